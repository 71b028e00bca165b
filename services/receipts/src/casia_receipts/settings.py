"""Settings of the receipts service (``CASIA_*`` environment variables)."""

from __future__ import annotations

import os

from pydantic import Field

from casia_runtime.settings import RuntimeSettings


class ReceiptsSettings(RuntimeSettings):
    service_name: str = "receipts"
    http_port: int = 8003
    receipts_bucket: str = "casia-receipts"
    public_base_url: str = "http://127.0.0.1:8000"
    """Where people reach the gateway: the verification URL printed on every receipt."""
    timezone: str = "Europe/Madrid"
    """The times printed on receipts are in this zone."""
    render_processes: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=0)
    """Worker processes rendering justificantes side by side (0: one thread of the service's own
    process). WeasyPrint's layout holds a core per receipt."""
    issue_sweep_seconds: float = Field(default=5.0, gt=0)
    """How often receipts left ready (their issuer died) are looked for and issued."""
