"""Settings of the documents service (``CASIA_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from casia_runtime.settings import RuntimeSettings


class DocumentsSettings(RuntimeSettings):
    service_name: str = "documents"
    http_port: int = 8002
    quarantine_bucket: str = "casia-quarantine"
    documents_bucket: str = "casia-documents"
    max_file_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    """The largest document accepted; keep it equal to the gateway's ``max_file_bytes``."""
    quarantine_max_age_seconds: float = Field(default=24 * 3600, gt=0)
    """An upload nobody claimed is deleted after this long."""
    quarantine_sweep_seconds: float = Field(default=600, gt=0)
