"""Issuing a ready receipt: render its PDF, store it, mark it issued and announce it — once.

The content is fixed when the receipt became ready, and rendering is deterministic, so an issuer
that died after storing the PDF and before marking the receipt is followed by one that stores the
very same bytes under the same key; marking is conditional on the receipt still being ready, in
the transaction that writes ``receipt.issued`` to the outbox: two issuers racing announce it once.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import datetime

from casia_contracts.cea import Cea
from casia_contracts.envelope import Causality, build_event
from casia_contracts.receipts import ReceiptIssued, ReceiptKind
from casia_contracts.values import CaseType, DocumentRef, DocumentStatus, ObjectRef
from casia_read_models import ReceiptStatus, StoredObject, StoredReceipt
from casia_receipts.domain.receipt import ListedDocument, ReceiptContent
from casia_runtime.messages import OutboundMessage

SOURCE = "/casia/receipts"
ISSUED_NAMESPACE = uuid.UUID("1c7e2b94-3f5a-4d6e-8a9b-0c1d2e3f4a5b")
VERIFY_PATH = "/v1/receipts/verify/{cea}"


def content_of(receipt: StoredReceipt, *, public_base_url: str) -> ReceiptContent:
    """What the justificante prints: the receipt as recorded, its accepted documents."""
    if receipt.issued_at is None:
        raise ValueError(f"receipt {receipt.receipt_id} is not ready")
    return ReceiptContent(
        receipt_id=receipt.receipt_id,
        kind=ReceiptKind(receipt.kind),
        case_number=receipt.case_number,
        authorization_number=receipt.authorization_number,
        holder_nif=receipt.holder_nif,
        business_name=receipt.business_name,
        opened_by_name=receipt.opened_by_name,
        opened_by_nif=receipt.opened_by_nif,
        case_title=receipt.case_title,
        classification_label=CaseType(receipt.case_type).label,
        opened_at=receipt.opened_at,
        issued_at=receipt.issued_at,
        documents=tuple(
            ListedDocument(
                document_type_label=_label(d.document_type),
                title=d.title,
                file_name=d.file_name,
                size_bytes=d.size_bytes,
                sha256=d.sha256 or "",
                attached_at=d.attached_at,
            )
            for d in receipt.listed()
        ),
        cea=Cea(receipt.cea),
        verify_url=public_base_url.rstrip("/") + VERIFY_PATH.format(cea=receipt.cea),
    )


def issued(receipt: StoredReceipt, pdf: bytes, *, bucket: str) -> StoredReceipt:
    """``receipt`` once its PDF is stored at its key (one key per receipt)."""
    return receipt.model_copy(
        update={
            "status": ReceiptStatus.ISSUED,
            "pdf": StoredObject(bucket=bucket, key=pdf_key(receipt)),
            "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
            "pdf_size_bytes": len(pdf),
        }
    )


def pdf_key(receipt: StoredReceipt) -> str:
    return f"{receipt.case_number}/{receipt.receipt_id}.pdf"


def pdf_stream(pdf: bytes) -> io.BytesIO:
    return io.BytesIO(pdf)


def announcement(receipt: StoredReceipt, *, at: datetime) -> OutboundMessage:
    """``receipt.issued`` for an issued receipt; its id derives from the receipt's."""
    if receipt.pdf is None or receipt.pdf_sha256 is None or receipt.issued_at is None:
        raise ValueError(f"receipt {receipt.receipt_id} is not issued")
    data = ReceiptIssued(
        case_number=receipt.case_number,
        receipt_id=receipt.receipt_id,
        authorization_number=receipt.authorization_number,
        kind=ReceiptKind(receipt.kind),
        cea=receipt.cea,
        issued_at=receipt.issued_at,
        pdf=ObjectRef(bucket=receipt.pdf.bucket, key=receipt.pdf.key),
        pdf_sha256=receipt.pdf_sha256,
        documents=[
            DocumentRef(
                document_id=d.document_id,
                document_type=d.document_type,
                title=d.title,
                file_name=d.file_name,
                size_bytes=d.size_bytes,
                content_type=d.content_type,
                sha256=d.sha256,
                status=DocumentStatus.STORED,
            )
            for d in receipt.listed()
        ],
    )
    envelope = build_event(
        data,
        event_id=str(uuid.uuid5(ISSUED_NAMESPACE, receipt.receipt_id)),
        source=SOURCE,
        time=at,
        causality=Causality(correlation_id=receipt.correlation_id, causation_id=receipt.trigger_event_id),
    )
    return OutboundMessage.from_envelope(envelope, topic=data.topic, key=data.case_number)


def _label(document_type: str) -> str:
    """A catalog code as people read it (``justificante_pago`` → ``Justificante pago``): the
    receipts service does not hold the catalog's names."""
    words = document_type.replace("_", " ").strip()
    return words[:1].upper() + words[1:]
