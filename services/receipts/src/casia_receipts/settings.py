"""Settings of the receipts service (``CASIA_*`` environment variables)."""

from __future__ import annotations

from casia_runtime.settings import RuntimeSettings


class ReceiptsSettings(RuntimeSettings):
    service_name: str = "receipts"
    http_port: int = 8003
    receipts_bucket: str = "casia-receipts"
