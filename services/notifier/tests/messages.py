"""Case events as the workflow publishes them, and receipts as the receipts service announces
them, each test with its own case and authorization."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

from casia_contracts import case_events as e
from casia_contracts import topics
from casia_contracts import values as v
from casia_contracts.base import Message
from casia_contracts.receipts import ReceiptIssued, ReceiptKind
from casia_contracts.registry import model_for
from casia_runtime.messages import InboundMessage
from casia_runtime.testing.messages import as_received as received

GOLDEN = Path(__file__).parents[3] / "contracts" / "tests" / "golden"
"""One hand-checked envelope per message type, kept exact by the contracts' own tests."""

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SOURCES = {topics.CASE_EVENTS: "/casia/workflow", topics.RECEIPT_EVENTS: "/casia/receipts"}
"""Who publishes on each topic the notifier reads."""


def new_case_number() -> str:
    return f"CAS-2026-{uuid.uuid4().int % 10_000_000:07d}"


def new_authorization() -> str:
    return f"{uuid.uuid4().int % 10_000_000:07d}"


def as_received(data: Message, *, event_id: str | None = None) -> InboundMessage:
    """``data`` as the notifier reads it, published at ``AT`` by the service that owns its topic."""
    return received(data, source=SOURCES[data.topic], at=AT, event_id=event_id)


def annulled(authorization: str, *, reason: str = "Duplicado & <urgente>") -> e.CaseAnnulled:
    return e.CaseAnnulled(
        case_number=new_case_number(),
        authorization_number=authorization,
        case_type=v.CaseType.CONSULTA,
        status=v.Status.CLOSED,
        substatus=v.Substatus.ANNULLED,
        occurred_at=AT,
        actor=v.Actor(kind=v.ActorKind.AUTORIZADO, nif="12345678Z", name="Ana Pérez"),
        version=2,
        reason=reason,
        automatic=True,
    )


def issued(
    authorization: str, *, kind: ReceiptKind = ReceiptKind.SOLICITUD_TRAMITE, documents: int = 1
) -> ReceiptIssued:
    """A receipt of a new case of ``authorization``, listing ``documents`` stored documents."""
    return ReceiptIssued(
        case_number=new_case_number(),
        receipt_id=f"rcp-{uuid.uuid4().hex[:8]}",
        authorization_number=authorization,
        kind=kind,
        cea="7QXM-4KD2-HR9B-3WEF",
        issued_at=AT,
        pdf=v.ObjectRef(bucket="casia-receipts", key=f"{uuid.uuid4().hex}.pdf"),
        pdf_sha256="ab" * 32,
        documents=[
            v.DocumentRef(
                document_id=f"doc-{n}",
                document_type="comunicacion_baja",
                title=f"Documento {n}",
                file_name=f"documento-{n}.pdf",
                size_bytes=1024,
                content_type="application/pdf",
                sha256=hashlib.sha256(f"documento {n}".encode()).hexdigest(),
                status=v.DocumentStatus.STORED,
            )
            for n in range(1, documents + 1)
        ],
    )


def golden(event_type: str) -> InboundMessage:
    """The contracts' golden envelope of ``event_type``, as read from its topic."""
    document = json.loads((GOLDEN / f"{event_type}.json").read_text(encoding="utf-8"))
    return InboundMessage(
        topic=model_for(event_type).topic,
        partition=0,
        offset=0,
        key=document["subject"],
        value=json.dumps(document).encode(),
    )
