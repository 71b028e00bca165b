"""Case events as the workflow publishes them, for the receipts tests (fresh ids each call)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

from casia_contracts import case_events as e
from casia_contracts import values as v
from casia_contracts.base import Message
from casia_read_models import StoredAuthorization, StoredCase, StoredPerson
from casia_runtime.messages import InboundMessage
from casia_runtime.testing.messages import as_received

OPENED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
AUTORIZADO = v.PersonRef(nif="12345678Z", name="Ana Pérez")
AUTHORIZATION = v.AuthorizationRef(
    number="1234567", holder_nif="B12345674", business_name="Gestoría Pérez SL"
)
ACTOR = v.Actor(kind=v.ActorKind.AUTORIZADO, nif=AUTORIZADO.nif, name=AUTORIZADO.name)


def received(data: Message, *, at: datetime = OPENED_AT) -> InboundMessage:
    return as_received(data, source="/casia/workflow", at=at)


def pending(title: str) -> v.DocumentRef:
    document_id = f"doc-{uuid.uuid4().hex}"
    return v.DocumentRef(
        document_id=document_id,
        document_type="justificante_pago",
        title=title,
        file_name=f"{title}.pdf",
        size_bytes=1234,
        content_type="application/pdf",
        status=v.DocumentStatus.PENDING,
    )


def _base(case_number: str, version: int, *, case_type: v.CaseType = v.CaseType.TRAMITE) -> dict[str, object]:
    return {
        "case_number": case_number,
        "authorization_number": AUTHORIZATION.number,
        "case_type": case_type,
        "status": v.Status.OPEN,
        "substatus": v.Substatus.SUBMITTED,
        "occurred_at": OPENED_AT + timedelta(seconds=version),
        "actor": ACTOR,
        "version": version,
    }


def opened(documents: list[v.DocumentRef], *, case_type: v.CaseType = v.CaseType.TRAMITE) -> e.CaseOpened:
    number = f"CAS-2026-{uuid.uuid4().int % 10**7:07d}"
    return e.CaseOpened(
        **_base(number, 1, case_type=case_type),  # type: ignore[arg-type]
        authorization=AUTHORIZATION,
        opened_by=AUTORIZADO,
        channel=v.Channel.API,
        classification=v.Classification(case_type=case_type, subject="afiliacion", category="altas_bajas"),
        affects_current_period=False,
        title="Baja de un trabajador",
        description="Solicito la baja.",
        additional_data={},
        documents=documents,
        opened_at=OPENED_AT,
    )


def stored(case: e.CaseEvent, document: v.DocumentRef, version: int) -> e.CaseDocumentStored:
    sha256 = hashlib.sha256(document.document_id.encode()).hexdigest()
    decided = document.model_copy(update={"status": v.DocumentStatus.STORED, "sha256": sha256})
    return e.CaseDocumentStored(**_base(case.case_number, version), document=decided)  # type: ignore[arg-type]


def rejected(case: e.CaseEvent, document: v.DocumentRef, version: int) -> e.CaseDocumentRejected:
    return e.CaseDocumentRejected(
        **_base(case.case_number, version),  # type: ignore[arg-type]
        document_id=document.document_id,
        reason_code="encrypted_pdf",
        reason="El PDF está cifrado.",
    )


def added(case: e.CaseEvent, documents: list[v.DocumentRef], version: int) -> e.InformationAdded:
    return e.InformationAdded(**_base(case.case_number, version), documents=documents)  # type: ignore[arg-type]


def stored_case(opening: e.CaseOpened) -> StoredCase:
    """The case as the workflow stored it, as far as receipts read it."""
    return StoredCase.model_validate(
        {
            "case_number": opening.case_number,
            "authorization": StoredAuthorization.model_validate(AUTHORIZATION.model_dump()),
            "opened_by": StoredPerson(nif=AUTORIZADO.nif, name=AUTORIZADO.name),
            "channel": "api",
            "opened_at": OPENED_AT,
            "case_type": "tramite",
            "subject": "afiliacion",
            "category": "altas_bajas",
            "subcategory": None,
            "affects_current_period": False,
            "title": opening.title,
            "description": opening.description,
            "additional_data": {},
            "documents": [],
            "status": "open",
            "status_label": "Abierto",
            "substatus": "submitted",
            "substatus_label": "Presentado",
            "substatus_at": OPENED_AT,
            "assignee": None,
            "history": [],
            "information": [],
            "annulment_reason": None,
            "resolution": None,
            "rating": None,
            "closure_due_at": None,
            "version": 1,
        }
    )
