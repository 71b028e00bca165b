# Mailpit (an SMTP catcher with a web UI and an API) for deploy/compose: the binary casia-local
# builds with Go (~/.cache/casia/bin, sent as bin/mailpit by casia_local.images).
ARG BASE_IMAGE=casia-base:bookworm
FROM ${BASE_IMAGE}
ARG BASE_IMAGE
ARG VERSION=0.0.0
ARG COMMIT=unknown
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN groupadd --system --gid 10001 mailpit \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin mailpit \
    && mkdir -p /var/lib/mailpit \
    && chown 10001:10001 /var/lib/mailpit
COPY bin/mailpit /usr/local/bin/mailpit
LABEL org.opencontainers.image.title="casia-mailpit" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"
ENV MP_UI_PORT=8025 MP_DATABASE=/var/lib/mailpit/mailpit.db
USER 10001:10001
VOLUME ["/var/lib/mailpit"]
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${MP_UI_PORT} && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -c 12 <&3 | grep -q ' 200'"]
ENTRYPOINT ["mailpit"]
