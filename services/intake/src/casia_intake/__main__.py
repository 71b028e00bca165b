"""``casia-intake``: run the gateway on 127.0.0.1:$CASIA_HTTP_PORT (default 8000)."""

from __future__ import annotations

import sys

from casia_intake.app import create_app
from casia_intake.auth import AuthMisconfigured
from casia_intake.settings import IntakeSettings
from casia_runtime.worker import run_service


def main() -> None:
    try:
        run_service(IntakeSettings(), create_app)
    except AuthMisconfigured as error:
        print(f"casia-intake: refusing to start: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
