"""``casia-receipts``: run the receipts service on 127.0.0.1:$CASIA_HTTP_PORT."""

from __future__ import annotations

from casia_receipts.bootstrap import bootstrap
from casia_receipts.settings import ReceiptsSettings
from casia_runtime.worker import run_service


def main() -> None:
    run_service(ReceiptsSettings(), bootstrap)


if __name__ == "__main__":
    main()
