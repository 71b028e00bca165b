"""``casia-portal``: serve the portal on $CASIA_HTTP_HOST:$CASIA_HTTP_PORT (127.0.0.1:8080).

Served like every service (``casia_runtime.worker.serve``): JSON log lines, a port another
process of the portal can share during an upgrade, a short drain on SIGTERM.
"""

from __future__ import annotations

from casia_portal.app import create_app
from casia_portal.settings import PortalSettings
from casia_runtime.logging import configure_logging
from casia_runtime.worker import serve
from casia_telemetry.tracing import configure_tracing


def main() -> None:
    settings = PortalSettings()
    configure_logging(service="portal", level=settings.log_level)
    configure_tracing("portal")
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
