"""Outcomes of the documents service for a case's documents (not user commands).

They complete an earlier upload, so they are accepted in any status, closed included. They change
only that document, bump the version and add NO history entry (history records status changes and
people's actions). A document is decided once: a second outcome is refused, so a redelivered or
contradictory message can never flip it.
"""

from dataclasses import replace
from datetime import datetime

from casia_workflow.domain.case import Actor, Case, Document, DocumentStatus
from casia_workflow.domain.decision import Decision
from casia_workflow.domain.errors import CommandRefused, ReasonCode
from casia_workflow.domain.events import CaseDocumentRejected, CaseDocumentStored
from casia_workflow.domain.ids import DocumentId


def record_document_stored(case: Case, *, document_id: DocumentId, sha256: str, at: datetime) -> Decision:
    """The document passed validation and was promoted; its fingerprint is `sha256`.

    Refuses unknown_document and document_already_decided. Emits CaseDocumentStored.
    """
    document = _pending(case, document_id)
    stored = replace(document, status=DocumentStatus.STORED, sha256=sha256)
    event = CaseDocumentStored(
        case_number=case.number, at=at, actor=Actor.system(), document_id=document_id, sha256=sha256
    )
    return Decision(_with(case, stored), (event,))


def record_document_rejected(
    case: Case, *, document_id: DocumentId, reason_code: str, reason: str, at: datetime
) -> Decision:
    """The document failed validation (`reason_code` for programs, `reason` for people).

    Refuses unknown_document and document_already_decided. Emits CaseDocumentRejected.
    """
    document = _pending(case, document_id)
    rejected = replace(document, status=DocumentStatus.REJECTED, rejection_reason=reason)
    event = CaseDocumentRejected(
        case_number=case.number,
        at=at,
        actor=Actor.system(),
        document_id=document_id,
        reason_code=reason_code,
        reason=reason,
    )
    return Decision(_with(case, rejected), (event,))


def _pending(case: Case, document_id: DocumentId) -> Document:
    document = case.document(document_id)
    if document is None:
        raise CommandRefused(
            ReasonCode.UNKNOWN_DOCUMENT, f"El documento {document_id} no pertenece al caso {case.number}."
        )
    if document.status is not DocumentStatus.PENDING:
        raise CommandRefused(
            ReasonCode.DOCUMENT_ALREADY_DECIDED,
            f"El documento {document_id} ya fue procesado ({document.status.value}).",
        )
    return document


def _with(case: Case, decided: Document) -> Case:
    documents = tuple(decided if d.document_id == decided.document_id else d for d in case.documents)
    return replace(case, documents=documents, version=case.version + 1)
