"""Commands as intake sends them: CloudEvents on the commands topic."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from casia_contracts import commands as c
from casia_contracts import documents as docs
from casia_contracts import values as v
from casia_contracts.base import Message
from casia_runtime.messages import InboundMessage
from casia_runtime.testing.messages import as_received as received

AUTORIZADO = v.PersonRef(nif="12345678Z", name="Ana Pérez")
CLERK = v.PersonRef(nif="00000000T", name="Luis Tramitador")


def as_received(data: Message, *, at: datetime, event_id: str | None = None) -> InboundMessage:
    """``data`` as the workflow reads it, sent by intake at ``at``."""
    return received(data, source="/casia/intake", at=at, event_id=event_id)


def open_consulta(case_number: str, *, documents: Sequence[v.DocumentRef] = ()) -> c.OpenCase:
    return c.OpenCase(
        case_number=case_number,
        authorization=v.AuthorizationRef(
            number="1234567", holder_nif="B12345674", business_name="Gestoría Pérez SL"
        ),
        opened_by=AUTORIZADO,
        channel=v.Channel.API,
        classification=v.Classification(
            case_type=v.CaseType.CONSULTA, subject="cotizacion", category="recargos"
        ),
        affects_current_period=True,
        title="Recargo indebido",
        description="Se aplicó un recargo.",
        additional_data={"period": "2026-01"},
        documents=list(documents),
    )


def pending_document() -> v.DocumentRef:
    """A file uploaded with a command, not yet checked by the documents service."""
    document_id = f"doc-{uuid.uuid4().hex[:12]}"
    return v.DocumentRef(
        document_id=document_id,
        document_type="justificante",
        title="Justificante de pago",
        file_name=f"{document_id}.pdf",
        size_bytes=48_213,
        content_type="application/pdf",
        status=v.DocumentStatus.PENDING,
        upload=v.ObjectRef(bucket="casia-quarantine", key=document_id),
    )


def document_stored(case_number: str, document_id: str) -> docs.DocumentStored:
    """The documents service's outcome: the file passed validation and was promoted."""
    return docs.DocumentStored(
        case_number=case_number,
        document_id=document_id,
        object=v.ObjectRef(bucket="casia-documents", key=f"{case_number}/{document_id}"),
        sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        size_bytes=48_213,
        content_type="application/pdf",
    )


def new_case_number() -> str:
    return f"CAS-2026-{uuid.uuid4().int % 10_000_000:07d}"
