"""Commands, drafts and case documents for intake's tests; each call makes fresh values."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import SecretStr

from casia_contracts.cea import cea_from_bytes
from casia_contracts.commands import OpenCase
from casia_contracts.receipts import ReceiptKind
from casia_contracts.values import (
    ActorKind,
    AuthorizationRef,
    CaseType,
    Channel,
    Classification,
    PersonRef,
    Status,
    Substatus,
)
from casia_intake.service.opening import Draft
from casia_intake.service.ports import IdempotencyScope
from casia_intake.settings import IntakeSettings
from casia_read_models import (
    ReceiptDocumentStatus,
    ReceiptStatus,
    StoredActor,
    StoredAuthorization,
    StoredCase,
    StoredHistoryEntry,
    StoredObject,
    StoredPerson,
    StoredReceipt,
    StoredReceiptDocument,
)

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
AUTHORIZATION = AuthorizationRef(number="1234567", holder_nif="B12345674", business_name="Gestoría Ana")
AUTORIZADO = PersonRef(nif="12345678Z", name="Ana Pérez")
DEV_SECRET = "intake-tests-only-secret-0123456789abcdef"
RECEIPTS_BUCKET = "casia-receipts"


def dev_settings(**overrides: Any) -> IntakeSettings:
    """A gateway in dev mode with the tests' own secret (the gateway has no default mode)."""
    return IntakeSettings(auth_mode="dev", auth_dev_secret=SecretStr(DEV_SECRET), **overrides)


def open_command(case_number: str, *, title: str = "Duda sobre contacto") -> OpenCase:
    return OpenCase(
        case_number=case_number,
        authorization=AUTHORIZATION,
        opened_by=AUTORIZADO,
        channel=Channel.API,
        classification=Classification(
            case_type=CaseType.CONSULTA, subject="gestion_autorizaciones", category="datos_contacto"
        ),
        affects_current_period=False,
        title=title,
        description="Una consulta.",
        additional_data={},
        documents=[],
    )


def draft(*, title: str = "Duda sobre contacto") -> Draft:
    """What the route hands to CaseOpening: the command for whichever number is allocated."""
    return lambda case_number: open_command(case_number, title=title)


def new_scope(*, caller: str = AUTORIZADO.nif, authorization: str = AUTHORIZATION.number) -> IdempotencyScope:
    return IdempotencyScope(caller=caller, authorization=authorization, key=uuid.uuid4().hex)


def stored_case(case_number: str, *, authorization: AuthorizationRef = AUTHORIZATION) -> StoredCase:
    """A just-opened case as the workflow stores it in ``cases``."""
    actor = StoredActor(kind=ActorKind.AUTORIZADO, nif=AUTORIZADO.nif, name=AUTORIZADO.name)
    return StoredCase(
        case_number=case_number,
        authorization=StoredAuthorization.model_validate(authorization.model_dump()),
        opened_by=StoredPerson(nif=AUTORIZADO.nif, name=AUTORIZADO.name),
        channel=Channel.API,
        opened_at=T0,
        case_type=CaseType.CONSULTA,
        subject="gestion_autorizaciones",
        category="datos_contacto",
        subcategory=None,
        affects_current_period=False,
        title="Duda sobre contacto",
        description="Una consulta.",
        additional_data={},
        documents=[],
        status=Status.OPEN,
        status_label="Abierto",
        substatus=Substatus.SUBMITTED,
        substatus_label="Presentado",
        substatus_at=T0,
        assignee=None,
        history=[
            StoredHistoryEntry(
                status=Status.OPEN,
                status_label="Abierto",
                substatus=Substatus.SUBMITTED,
                substatus_label="Presentado",
                at=T0,
                actor=actor,
                observations="Alta del caso",
            )
        ],
        information=[],
        annulment_reason=None,
        resolution=None,
        rating=None,
        closure_due_at=None,
        version=1,
    )


def pdf_bytes() -> bytes:
    """A PDF's bytes, different on each call."""
    return b"%PDF-1.7\n" + secrets.token_bytes(64) + b"\n%%EOF\n"


def stored_receipt(
    case_number: str,
    *,
    pdf: bytes | None = None,
    status: ReceiptStatus = ReceiptStatus.ISSUED,
    kind: ReceiptKind = ReceiptKind.SOLICITUD_TRAMITE,
    issued_at: datetime = T0 + timedelta(minutes=1),
) -> StoredReceipt:
    """A receipt as the receipts service stores it in ``receipts``, with a fresh id and CEA:
    issued (with ``pdf``'s fingerprint, size and object key), or still ``waiting``/``ready``.
    It lists one accepted document and leaves out one refused."""
    content = pdf if pdf is not None else pdf_bytes()
    receipt_id = f"rcp-{uuid.uuid4().hex}"
    issued = status == ReceiptStatus.ISSUED
    documents = [
        _receipt_document("Modelo TA.2", ReceiptDocumentStatus.STORED),
        _receipt_document("Foto borrosa", ReceiptDocumentStatus.REJECTED),
    ]
    return StoredReceipt(
        receipt_id=receipt_id,
        trigger_event_id=str(uuid.uuid4()),
        correlation_id=str(uuid.uuid4()),
        case_number=case_number,
        authorization_number=AUTHORIZATION.number,
        holder_nif=AUTHORIZATION.holder_nif,
        business_name=AUTHORIZATION.business_name,
        opened_by_nif=AUTORIZADO.nif,
        opened_by_name=AUTORIZADO.name,
        case_title="Alta de trabajador",
        case_type=CaseType.TRAMITE,
        opened_at=T0,
        kind=kind,
        cea=cea_from_bytes(secrets.token_bytes(10)),
        documents=documents,
        status=status,
        recorded_at=T0,
        issued_at=issued_at if status != ReceiptStatus.WAITING else None,
        pdf=StoredObject(bucket=RECEIPTS_BUCKET, key=f"{case_number}/{receipt_id}.pdf") if issued else None,
        pdf_sha256=hashlib.sha256(content).hexdigest() if issued else None,
        pdf_size_bytes=len(content) if issued else None,
    )


def _receipt_document(title: str, status: ReceiptDocumentStatus) -> StoredReceiptDocument:
    return StoredReceiptDocument(
        document_id=str(uuid.uuid4()),
        document_type="modelo_ta2",
        title=title,
        file_name=f"{title.lower().replace(' ', '_')}.pdf",
        size_bytes=1234,
        content_type="application/pdf",
        attached_at=T0,
        status=status,
        sha256=hashlib.sha256(title.encode()).hexdigest() if status == ReceiptDocumentStatus.STORED else None,
    )
