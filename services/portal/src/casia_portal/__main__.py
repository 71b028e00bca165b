"""``casia-portal``: serve the portal on $CASIA_HTTP_HOST:$CASIA_HTTP_PORT (127.0.0.1:8080)."""

from __future__ import annotations

import uvicorn
from casia_telemetry.tracing import configure_tracing

from casia_portal.app import create_app
from casia_portal.settings import PortalSettings


def main() -> None:
    settings = PortalSettings()
    configure_tracing("portal")
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_level=settings.log_level.lower(),
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
