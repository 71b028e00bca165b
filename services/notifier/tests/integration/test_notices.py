"""Notices against the real MongoDB and SMTP server: once per event, skipped without consent."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from casia_contracts import case_events as e
from casia_contracts import values as v
from casia_contracts.envelope import Causality, build_event
from casia_notifier.adapters import mongo as store
from casia_notifier.adapters.mailer import SmtpMailer
from casia_notifier.adapters.templates import NoticeRenderer
from casia_notifier.service.delivery import Notifier
from casia_notifier.settings import NotifierSettings
from casia_runtime.messages import InboundMessage, OutboundMessage
from casia_runtime.mongo import make_mongo_client

pytestmark = pytest.mark.integration

MAIL_API = os.environ.get("CASIA_MAIL_API_URL", "http://127.0.0.1:8025/api/v1")


@pytest.fixture
async def notifier() -> AsyncIterator[tuple[Notifier, Any]]:
    settings = NotifierSettings()
    mongo = make_mongo_client(settings)
    name = f"casia_test_{uuid.uuid4().hex[:12]}"
    db = mongo[name]
    await store.create_indexes(db)
    notifier = Notifier(
        mongo=mongo,
        contacts=store.ContactsReader(db),
        deliveries=store.DeliveryLog(db),
        outbox=store.outbox(db),
        inbox=store.inbox(db),
        mailer=SmtpMailer(settings),
        renderer=NoticeRenderer(timezone=settings.timezone),
        clock=lambda: datetime.now(UTC),
        on_commit=lambda: None,
        max_attempts=3,
    )
    yield notifier, db
    await mongo.drop_database(name)
    await mongo.close()


def annulled_event(authorization: str) -> InboundMessage:
    number = f"CAS-2026-{uuid.uuid4().int % 10_000_000:07d}"
    data = e.CaseAnnulled(
        case_number=number,
        authorization_number=authorization,
        case_type=v.CaseType.CONSULTA,
        status=v.Status.CLOSED,
        substatus=v.Substatus.ANNULLED,
        occurred_at=datetime.now(UTC),
        actor=v.Actor(kind=v.ActorKind.AUTORIZADO, nif="12345678Z", name="Ana"),
        version=2,
        reason="Duplicado & <urgente>",
        automatic=True,
    )
    envelope = build_event(
        data,
        event_id=str(uuid.uuid4()),
        source="/casia/workflow",
        time=datetime.now(UTC),
        causality=Causality.start("t"),
    )
    out = OutboundMessage.from_envelope(envelope, topic=data.topic, key=number)
    return InboundMessage(topic=out.topic, partition=0, offset=0, key=number, value=out.value)


async def received_by(recipient: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient() as http:
        found = (await http.get(f"{MAIL_API}/search", params={"query": f"to:{recipient}"})).json()
        return [(await http.get(f"{MAIL_API}/message/{m['ID']}")).json() for m in found["messages"]]


async def test_a_redelivered_event_sends_one_mail_with_the_text_unescaped(
    notifier: tuple[Notifier, Any],
) -> None:
    service, db = notifier
    recipient = f"n-{uuid.uuid4().hex[:8]}@gestoria-pruebas.es"
    await db.contacts.insert_one({"_id": "7654321", "email": recipient, "consent": True})
    event = annulled_event("7654321")

    await service.handle(event)
    await service.handle(event)
    await asyncio.sleep(0.5)

    [mail] = await received_by(recipient)
    assert "anulado" in mail["Subject"]
    assert "Duplicado & <urgente>" in mail["Text"]
    [row] = await db.notifications.find({}).to_list()
    assert (row["status"], row["attempts"], row["recipient"]) == ("sent", 1, recipient)
    assert await db.notifier_outbox.count_documents({}) == 1


async def test_without_a_contact_the_notice_is_skipped(notifier: tuple[Notifier, Any]) -> None:
    service, db = notifier

    await service.handle(annulled_event("1111111"))

    [row] = await db.notifications.find({}).to_list()
    assert (row["status"], row["reason"]) == ("skipped", "Sin dirección de correo")
