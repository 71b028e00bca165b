"""``casia-notifier``: run the notifier on 127.0.0.1:$CASIA_HTTP_PORT (default 8004)."""

from __future__ import annotations

from casia_notifier.bootstrap import bootstrap
from casia_notifier.settings import NotifierSettings
from casia_runtime.worker import run_service


def main() -> None:
    run_service(NotifierSettings(), bootstrap)


if __name__ == "__main__":
    main()
