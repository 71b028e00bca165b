# Apache Kafka (KRaft), for deploy/compose: Debian's Java 17 and the broker jars that casia-local
# resolves from Maven Central (~/.cache/casia/kafka-<version>/lib, sent as lib/ by casia_local.images).
# Configured by KAFKA_* variables, see kafka-entrypoint.sh.
ARG BASE_IMAGE=casia-base:bookworm
FROM ${BASE_IMAGE}
ARG BASE_IMAGE
ARG VERSION=0.0.0
ARG COMMIT=unknown
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
# The base image keeps no manual pages, but Java's update-alternatives wants man1 to exist.
# hadolint ignore=DL3008
RUN mkdir -p /usr/share/man/man1 \
    && apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 kafka \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin kafka \
    && mkdir -p /var/lib/kafka \
    && chown 10001:10001 /var/lib/kafka
COPY lib/ /opt/kafka/lib/
COPY kafka-entrypoint.sh /usr/local/bin/kafka-entrypoint
LABEL org.opencontainers.image.title="casia-kafka" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"
ENV KAFKA_PORT=9092
USER 10001:10001
VOLUME ["/var/lib/kafka"]
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=5 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${KAFKA_PORT}"]
ENTRYPOINT ["kafka-entrypoint"]
