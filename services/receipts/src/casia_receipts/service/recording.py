"""Which case events call for a justificante, and what it will list (recorded once per trigger).

- ``case.opened`` of a trámite → a *Justificante de solicitud de trámite*;
- ``case.information_added`` with documents, on a trámite → a *Justificante de documentación
  complementaria anexada*;
- ``case.document_stored`` / ``case.document_rejected`` → the decision on a document a receipt
  waits for. A case's events share a partition, so a document's decision always follows the event
  that attached it.

Each receipt is recorded with its CEA the moment its trigger is seen, in the transaction that
records the event in the inbox; it is ``ready`` (its content fixed, ``issued_at`` the time of the
last decision) once no document is pending, then issued (:mod:`casia_receipts.service.issuing`).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

from casia_contracts import case_events as e
from casia_contracts.cea import CEA_BYTES, cea_from_bytes
from casia_contracts.envelope import RawEvent
from casia_contracts.receipts import ReceiptKind
from casia_contracts.registry import parse_data
from casia_contracts.values import CaseType, DocumentRef
from casia_read_models import ReceiptDocumentStatus, ReceiptStatus, StoredReceipt, StoredReceiptDocument
from casia_receipts.service.ports import Transaction
from casia_runtime.consumer import NotYet, PoisonMessage
from casia_runtime.messages import InboundMessage

RECEIPT_NAMESPACE = uuid.UUID("6a1f3c2e-9d4b-4c7a-8e5f-0b1c2d3e4f50")
WATCHED = frozenset(
    t.message_type for t in (e.CaseOpened, e.InformationAdded, e.CaseDocumentStored, e.CaseDocumentRejected)
)


class CaseNotStoredYet(NotYet):
    """The case of an event is not readable yet (a lagging read): parked and tried again."""


def receipt_id_for(trigger_event_id: str) -> str:
    """One receipt per trigger: its id derives from the event's."""
    return f"rcp-{uuid.uuid5(RECEIPT_NAMESPACE, trigger_event_id).hex}"


def read(message: InboundMessage) -> tuple[RawEvent, e.CaseEvent] | None:
    """The event if it is one receipts react to; None for the others (a type not watched is not
    parsed further)."""
    try:
        event = RawEvent.model_validate_json(message.value)
    except ValueError as error:
        raise PoisonMessage(str(error)) from error
    if event.type not in WATCHED:
        return None
    try:
        data = parse_data(event)
    except ValueError as error:
        raise PoisonMessage(str(error)) from error
    if not isinstance(data, e.CaseEvent):
        raise PoisonMessage(f"{event.type} is not a case event")
    return (event, data) if concerns_receipts(data) else None


def concerns_receipts(data: e.CaseEvent) -> bool:
    """Whether ``data`` can change a case's receipts: a trámite opened, documents added to a
    trámite, a decision on a document. The others (a consulta opened, say) are ignored without a
    read or a write: nothing to record, so nothing to record once."""
    match data:
        case e.CaseOpened():
            return data.case_type == CaseType.TRAMITE
        case e.InformationAdded():
            return data.case_type == CaseType.TRAMITE and bool(data.documents)
        case e.CaseDocumentStored() | e.CaseDocumentRejected():
            return True
    return False


async def apply(tx: Transaction, event: RawEvent, data: e.CaseEvent, *, at: datetime) -> None:
    """Record what ``data`` means for the case's receipts, within ``tx`` (nothing for an event
    that does not :func:`concern receipts <concerns_receipts>`)."""
    if not concerns_receipts(data):
        return
    match data:
        case e.CaseOpened():
            await tx.receipts.add(_opening(event, data, at=at))
        case e.InformationAdded():
            await tx.receipts.add(await _complementary(tx, event, data, at=at))
        case e.CaseDocumentStored():
            sha256 = data.document.sha256
            await _decided(tx, data, data.document.document_id, ReceiptDocumentStatus.STORED, sha256)
        case e.CaseDocumentRejected():
            await _decided(tx, data, data.document_id, ReceiptDocumentStatus.REJECTED, None)


def _opening(event: RawEvent, data: e.CaseOpened, *, at: datetime) -> StoredReceipt:
    a, person = data.authorization, data.opened_by
    facts = {
        "case_number": data.case_number,
        "authorization_number": a.number,
        "holder_nif": a.holder_nif,
        "business_name": a.business_name,
        "opened_by_nif": person.nif,
        "opened_by_name": person.name,
        "case_title": data.title,
        "case_type": data.case_type.value,
        "opened_at": data.opened_at,
    }
    documents = [_document(d, attached_at=data.opened_at) for d in data.documents]
    return _recorded(event, facts, ReceiptKind.SOLICITUD_TRAMITE, documents, at=at, settled=data.occurred_at)


async def _complementary(
    tx: Transaction, event: RawEvent, data: e.InformationAdded, *, at: datetime
) -> StoredReceipt:
    """The receipt for documents added later; the case's details (which never change once it is
    opened) come from the case as the workflow stored it before announcing the addition."""
    case = await tx.cases.get(data.case_number)
    if case is None:
        raise CaseNotStoredYet(data.case_number)
    a, person = case.authorization, case.opened_by
    facts = {
        "case_number": case.case_number,
        "authorization_number": a.number,
        "holder_nif": a.holder_nif,
        "business_name": a.business_name,
        "opened_by_nif": person.nif,
        "opened_by_name": person.name,
        "case_title": case.title,
        "case_type": data.case_type.value,
        "opened_at": case.opened_at,
    }
    documents = [_document(d, attached_at=data.occurred_at) for d in data.documents]
    kind = ReceiptKind.DOCUMENTACION_COMPLEMENTARIA
    return _recorded(event, facts, kind, documents, at=at, settled=data.occurred_at)


def _recorded(  # noqa: PLR0913 - the receipt's parts, each from its own source
    event: RawEvent,
    facts: dict[str, Any],
    kind: ReceiptKind,
    documents: list[StoredReceiptDocument],
    *,
    at: datetime,
    settled: datetime,
) -> StoredReceipt:
    """A new receipt for the trigger ``event``, with its CEA, waiting (or already settled at
    ``settled`` when no document is pending); ``facts`` are the case's."""
    receipt = StoredReceipt.model_validate(
        {
            **facts,
            "receipt_id": receipt_id_for(event.id),
            "trigger_event_id": event.id,
            "correlation_id": event.correlationid,
            "kind": kind.value,
            "cea": _new_cea(),
            "documents": documents,
            "status": ReceiptStatus.WAITING,
            "recorded_at": at,
        }
    )
    return _settled(receipt, at=settled)


async def _decided(
    tx: Transaction, data: e.CaseEvent, document_id: str, status: ReceiptDocumentStatus, sha256: str | None
) -> None:
    for receipt in await tx.receipts.waiting_for(data.case_number, document_id):
        documents = [
            d.model_copy(update={"status": status, "sha256": sha256}) if d.document_id == document_id else d
            for d in receipt.documents
        ]
        updated = receipt.model_copy(update={"documents": documents})
        await tx.receipts.replace(_settled(updated, at=data.occurred_at))


def _settled(receipt: StoredReceipt, *, at: datetime) -> StoredReceipt:
    """``receipt`` ready (content fixed at ``at``) once no document is pending; void when it is a
    later addition whose documents were all refused."""
    if any(d.status == ReceiptDocumentStatus.PENDING for d in receipt.documents):
        return receipt
    if receipt.kind == ReceiptKind.DOCUMENTACION_COMPLEMENTARIA and not receipt.listed():
        return receipt.model_copy(update={"status": ReceiptStatus.VOID})
    return receipt.model_copy(update={"status": ReceiptStatus.READY, "issued_at": at})


def _document(ref: DocumentRef, *, attached_at: datetime) -> StoredReceiptDocument:
    return StoredReceiptDocument(
        document_id=ref.document_id,
        document_type=ref.document_type,
        title=ref.title,
        file_name=ref.file_name,
        size_bytes=ref.size_bytes,
        content_type=ref.content_type,
        attached_at=attached_at,
        status=ReceiptDocumentStatus(ref.status.value),
        sha256=ref.sha256,
    )


def _new_cea() -> str:
    return cea_from_bytes(secrets.token_bytes(CEA_BYTES))
