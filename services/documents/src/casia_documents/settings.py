"""Settings of the documents service (``CASIA_*`` environment variables)."""

from __future__ import annotations

from casia_runtime.settings import RuntimeSettings


class DocumentsSettings(RuntimeSettings):
    service_name: str = "documents"
    http_port: int = 8002
    quarantine_bucket: str = "casia-quarantine"
    documents_bucket: str = "casia-documents"
