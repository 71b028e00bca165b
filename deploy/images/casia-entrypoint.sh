#!/bin/sh
# Starts the image's service. CASIA_HTTP_PORT=auto picks a free port (several replicas of one
# service on one host's network, as in deploy/compose) and records it for the health check.
set -eu
if [ "${CASIA_HTTP_PORT:-}" = auto ]; then
    CASIA_HTTP_PORT=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    export CASIA_HTTP_PORT
    echo "${CASIA_HTTP_PORT}" > /tmp/casia-http-port
fi
exec casia-service "$@"
