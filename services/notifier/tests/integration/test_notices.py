"""Notices against the real MongoDB and SMTP server: once per event, skipped without consent."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_notifier.adapters.mailer import SmtpMailer
from casia_notifier.bootstrap import notifier_over
from casia_notifier.service.delivery import Notifier
from casia_notifier.settings import NotifierSettings
from casia_runtime.mongo import Document

from ..mailpit import received_by
from ..messages import annulled, as_received
from ..rig import PUBLIC_BASE_URL

pytestmark = pytest.mark.integration


async def test_a_redelivered_event_sends_one_mail_with_the_text_unescaped(
    notifier: Notifier, db: AsyncDatabase[Document]
) -> None:
    recipient = f"n-{uuid.uuid4().hex[:8]}@gestoria-pruebas.es"
    await db.contacts.insert_one({"_id": "7654321", "email": recipient, "consent": True})
    event = as_received(annulled("7654321"))

    await notifier.handle(event)
    await notifier.handle(event)  # both returned: whatever they sent is stored (before the 250)

    [mail] = await received_by(recipient)
    assert "anulado" in mail["Subject"]
    assert "Duplicado & <urgente>" in mail["Text"]
    [row] = await db.notifications.find({}).to_list()
    assert (row["status"], row["attempts"], row["recipient"]) == ("sent", 1, recipient)
    assert await db.notifier_outbox.count_documents({}) == 1


async def test_two_consumers_handed_the_same_event_at_once_send_one_mail(
    notifier: Notifier, db: AsyncDatabase[Document]
) -> None:
    recipient = f"n-{uuid.uuid4().hex[:8]}@gestoria-pruebas.es"
    await db.contacts.insert_one({"_id": "7654322", "email": recipient, "consent": True})
    event = as_received(annulled("7654322"))

    # Two tasks, so two consumer ids, as two consumers during a rebalance: one claims and sends,
    # the other waits on its claim and finds the outcome recorded.
    await asyncio.gather(notifier.handle(event), notifier.handle(event))

    assert len(await received_by(recipient)) == 1
    [row] = await db.notifications.find({}).to_list()
    assert (row["status"], row["attempts"]) == ("sent", 1)
    assert row["sent_at"] is not None and row["claimed_by"].count(":") == 2  # host:pid:task
    assert await db.notifier_outbox.count_documents({}) == 1


async def test_without_a_contact_the_notice_is_skipped(
    notifier: Notifier, db: AsyncDatabase[Document]
) -> None:
    await notifier.handle(as_received(annulled("1111111")))

    [row] = await db.notifications.find({}).to_list()
    assert (row["status"], row["reason_code"], row["reason"]) == (
        "skipped",
        "no_contact",
        "Sin dirección de correo",
    )


async def test_a_batch_is_sent_and_recorded_together_even_with_no_session_kept(
    db: AsyncDatabase[Document],
) -> None:
    settings = NotifierSettings(smtp_sessions=0, public_base_url=PUBLIC_BASE_URL)
    notifier = notifier_over(settings, db=db, mailer=SmtpMailer(settings), on_commit=lambda: None)
    recipient = f"n-{uuid.uuid4().hex[:8]}@gestoria-pruebas.es"
    await db.contacts.insert_one({"_id": "7654323", "email": recipient, "consent": True})
    events = [as_received(annulled("7654323")) for _ in range(3)]

    await notifier.handle_together(events)

    assert len(await received_by(recipient)) == 3
    rows = await db.notifications.find({}).to_list()
    assert [(row["status"], row["attempts"]) for row in rows] == [("sent", 1)] * 3
    assert all(row["sent_at"] is not None for row in rows)
    assert await db.notifier_outbox.count_documents({}) == 3
    assert await db.notifier_inbox.count_documents({}) == 3
