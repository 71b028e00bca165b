# MinIO for deploy/compose: the server casia-local builds from source with Go (~/.cache/casia/bin,
# sent as bin/minio by casia_local.images). Root credentials from MINIO_ROOT_USER/PASSWORD.
ARG BASE_IMAGE=casia-base:bookworm
FROM ${BASE_IMAGE}
ARG BASE_IMAGE
ARG VERSION=0.0.0
ARG COMMIT=unknown
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN groupadd --system --gid 10001 minio \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin minio \
    && mkdir -p /var/lib/minio \
    && chown 10001:10001 /var/lib/minio
COPY bin/minio /usr/local/bin/minio
LABEL org.opencontainers.image.title="casia-minio" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"
ENV MINIO_PORT=9000 MINIO_UPDATE=off
USER 10001:10001
VOLUME ["/var/lib/minio"]
# MinIO's liveness endpoint, asked over bash's /dev/tcp (no HTTP client in the image).
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=5 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${MINIO_PORT} && printf 'GET /minio/health/live HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -c 12 <&3 | grep -q ' 200'"]
ENTRYPOINT ["minio", "server", "/var/lib/minio"]
