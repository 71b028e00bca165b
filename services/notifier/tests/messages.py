"""Case events as the workflow publishes them, each test with its own case and authorization."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

from casia_contracts import case_events as e
from casia_contracts import values as v
from casia_contracts.base import Message
from casia_runtime.messages import InboundMessage
from casia_runtime.testing.messages import as_received as received

GOLDEN = Path(__file__).parents[3] / "contracts" / "tests" / "golden"
"""One hand-checked envelope per message type, kept exact by the contracts' own tests."""

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def new_case_number() -> str:
    return f"CAS-2026-{uuid.uuid4().int % 10_000_000:07d}"


def new_authorization() -> str:
    return f"{uuid.uuid4().int % 10_000_000:07d}"


def as_received(data: Message, *, event_id: str | None = None) -> InboundMessage:
    """``data`` as the notifier reads it, published by the workflow at ``AT``."""
    return received(data, source="/casia/workflow", at=AT, event_id=event_id)


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


def golden(event_type: str) -> InboundMessage:
    """The contracts' golden envelope of ``event_type``, as read from the topic."""
    document = json.loads((GOLDEN / f"{event_type}.json").read_text(encoding="utf-8"))
    return InboundMessage(
        topic="casia.cases.events.v1",
        partition=0,
        offset=0,
        key=document["subject"],
        value=json.dumps(document).encode(),
    )
