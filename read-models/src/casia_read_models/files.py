"""What the documents service records of each document it decided (``documents``), and intake
reads to serve the file: where the checked bytes are, what they are, and why a file was refused."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime

from casia_read_models.base import Stored, StoredDocumentModel


class FileStatus(StrEnum):
    STORED = "stored"
    REJECTED = "rejected"


class StoredObject(Stored):
    """An object in the S3-compatible store."""

    bucket: str
    key: str


class StoredFile(StoredDocumentModel):
    COLLECTION: ClassVar[str] = "documents"
    KEY: ClassVar[str] = "document_id"

    document_id: str
    case_number: str
    authorization_number: str
    status: FileStatus
    file_name: str
    """The name as kept (cleaned, with the extension of its checked format when stored)."""
    content_type: str
    """The checked format's media type when stored; the declared one when rejected."""
    size_bytes: int
    sha256: str | None = None
    object: StoredObject | None = None
    """Where the checked bytes are (stored documents only)."""
    reason_code: str | None = None
    reason: str | None = None
    decided_at: AwareDatetime
