"""The justificantes the receipts service keeps (``receipts``, single writer), which the gateway
reads to list a case's receipts, serve their PDFs and verify a CEA or a PDF.

A receipt is recorded as soon as its trigger is seen (a trámite opened, documents added) and
waits while any of its documents is still being checked (``waiting``); then it is ``ready``:
its content is fixed (``issued_at``, the documents, the CEA), so rendering it again after a crash
gives the same PDF; once the PDF is stored it is ``issued``. A receipt for documents added later
that were all refused is ``void``. Readers show only issued ones.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime

from casia_read_models.base import Stored, StoredDocumentModel
from casia_read_models.files import StoredObject


class ReceiptStatus(StrEnum):
    WAITING = "waiting"
    READY = "ready"
    ISSUED = "issued"
    VOID = "void"
    """Documents added later that were all refused: there is nothing to certify."""


class ReceiptDocumentStatus(StrEnum):
    PENDING = "pending"
    STORED = "stored"
    REJECTED = "rejected"


class StoredReceiptDocument(Stored):
    document_id: str
    document_type: str
    title: str
    file_name: str
    size_bytes: int
    content_type: str
    attached_at: AwareDatetime
    status: ReceiptDocumentStatus
    sha256: str | None = None


class StoredReceipt(StoredDocumentModel):
    COLLECTION: ClassVar[str] = "receipts"
    KEY: ClassVar[str] = "receipt_id"

    receipt_id: str
    trigger_event_id: str
    """The case event the receipt answers: one receipt per (case, trigger)."""
    correlation_id: str
    """The journey of the trigger (the request that opened the case or added the documents)."""
    case_number: str
    authorization_number: str
    holder_nif: str
    business_name: str
    opened_by_nif: str
    opened_by_name: str
    case_title: str
    case_type: str
    opened_at: AwareDatetime
    kind: str
    """``solicitud_tramite`` or ``documentacion_complementaria`` (casia_contracts.receipts.ReceiptKind)."""
    cea: str
    documents: list[StoredReceiptDocument]
    status: ReceiptStatus
    recorded_at: AwareDatetime
    issued_at: AwareDatetime | None = None
    """When its content was fixed (all documents decided): the time printed on it."""
    pdf: StoredObject | None = None
    pdf_sha256: str | None = None
    pdf_size_bytes: int | None = None

    def listed(self) -> list[StoredReceiptDocument]:
        """The documents the justificante lists: those that were accepted."""
        return [d for d in self.documents if d.status == ReceiptDocumentStatus.STORED]
