"""Every notice through the real use case, MongoDB and SMTP server, read back from Mailpit as the
autorizado's mail client would get it: to the contact, in Spanish, a text and an HTML part."""

from __future__ import annotations

import uuid

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_notifier.service.delivery import Notifier
from casia_runtime.mongo import Document

from ..mailpit import received_by
from ..messages import as_received, new_authorization
from ..notice_examples import EXAMPLES, HOSTILE, HOSTILE_IN_HTML, Example, for_case, shown, words

pytestmark = pytest.mark.integration


async def a_contact(db: AsyncDatabase[Document], *, consent: bool = True) -> tuple[str, str]:
    """A new authorization whose contact is a new address; (authorization, address)."""
    authorization, recipient = new_authorization(), f"n-{uuid.uuid4().hex[:8]}@gestoria-pruebas.es"
    await db.contacts.insert_one({"_id": authorization, "email": recipient, "consent": consent})
    return authorization, recipient


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda x: x.template)
async def test_each_notice_arrives_in_spanish_with_a_text_and_an_html_part(
    example: Example, notifier: Notifier, db: AsyncDatabase[Document]
) -> None:
    authorization, recipient = await a_contact(db)
    event = for_case(example.event(), authorization=authorization)
    if example.typed:
        event = example.with_typed(event, HOSTILE)

    await notifier.handle(as_received(event))

    [mail] = await received_by(recipient)
    assert [to["Address"] for to in mail["To"]] == [recipient]
    assert mail["Subject"].startswith("CASIA: ") and event.case_number in mail["Subject"]
    text, html = mail["Text"].replace("\r\n", "\n"), mail["HTML"].replace("\r\n", "\n")
    assert event.case_number in text and event.case_number in html
    assert html.startswith("<!DOCTYPE html>") and '<html lang="es">' in html
    for phrase in example.says:
        assert phrase.casefold() in words(text).casefold(), phrase
        assert phrase.casefold() in shown(html).casefold(), phrase
    if example.typed:
        assert HOSTILE in text and "&lt;" not in text
        assert HOSTILE_IN_HTML in html and "<script" not in html
    [row] = await db.notifications.find({}).to_list()
    assert (row["status"], row["template"], row["recipient"]) == ("sent", example.template, recipient)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda x: x.template)
async def test_without_consent_no_notice_is_sent_and_it_is_recorded_as_skipped(
    example: Example, notifier: Notifier, db: AsyncDatabase[Document]
) -> None:
    authorization, recipient = await a_contact(db, consent=False)

    await notifier.handle(as_received(for_case(example.event(), authorization=authorization)))

    assert await received_by(recipient) == []
    [row] = await db.notifications.find({}).to_list()
    assert (row["status"], row["reason_code"], row["attempts"]) == ("skipped", "no_consent", 0)
    assert await db.notifier_outbox.count_documents({}) == 1
