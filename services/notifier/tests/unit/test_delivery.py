"""The notice use case over the in-memory ports: once per event, every outcome reported.

The renderer is the real jinja2 one (it is in-process and is what these e-mails are made of).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from casia_notifier.service.notices import TEMPLATES
from casia_notifier.service.ports import DeliveryStatus, Mail
from casia_runtime.consumer import PoisonMessage
from casia_runtime.messages import InboundMessage

from ..fakes import MailServerDown, RecordingMailer
from ..messages import annulled, as_received, golden, new_authorization
from ..rig import MAX_ATTEMPTS, Rig


@pytest.fixture
def rig() -> Rig:
    return Rig()


async def test_with_address_and_consent_one_mail_is_sent_with_the_case_number(rig: Rig) -> None:
    event = annulled(rig.contact(email="ana@gestoria.es"))

    await rig.receive(event)

    [mail] = rig.mailer.sent
    assert mail.recipient == "ana@gestoria.es"
    assert event.case_number in mail.subject
    assert "anulado" in mail.subject
    report = rig.report()
    assert report["type"] == "es.casia.notification.sent"
    assert report["data"]["case_number"] == event.case_number
    assert report["data"]["recipient"] == "ana@gestoria.es"
    assert report["data"]["template"] == "case_annulled"
    assert (rig.row().status, rig.row().attempts) == (DeliveryStatus.SENT, 1)
    assert rig.commits == [1]


async def test_the_report_is_caused_by_the_case_event_and_keyed_by_the_case(rig: Rig) -> None:
    event = annulled(rig.contact())

    message = await rig.receive(event)

    cause = json.loads(message.value)
    report = rig.report()
    assert (report["causationid"], report["correlationid"]) == (cause["id"], cause["correlationid"])
    assert report["data"]["cause_event_id"] == cause["id"]
    assert rig.store.outbox[0].key == event.case_number


async def test_a_redelivered_event_sends_nothing_more(rig: Rig) -> None:
    message = as_received(annulled(rig.contact()))

    await rig.notifier.handle(message)
    await rig.notifier.handle(message)

    assert len(rig.mailer.tried) == 1
    assert len(rig.store.outbox) == 1
    assert rig.row().attempts == 1
    assert rig.commits == [1]


async def test_without_a_contact_the_notice_is_skipped_and_no_mail_is_sent(rig: Rig) -> None:
    await rig.receive(annulled(new_authorization()))

    assert rig.mailer.tried == []
    report = rig.report()
    assert report["type"] == "es.casia.notification.skipped"
    assert report["data"]["reason_code"] == "no_contact"
    assert "recipient" not in report["data"]  # None is left out of the envelope
    row = rig.row()
    assert (row.status, row.reason_code, row.reason, row.attempts) == (
        DeliveryStatus.SKIPPED,
        "no_contact",
        "Sin dirección de correo",
        0,
    )


async def test_consent_without_an_address_is_skipped_as_no_contact(rig: Rig) -> None:
    await rig.receive(annulled(rig.contact(email=None, consent=True)))

    assert rig.mailer.tried == []
    assert rig.report()["data"]["reason_code"] == "no_contact"


async def test_without_consent_the_notice_is_skipped_and_no_mail_is_sent(rig: Rig) -> None:
    await rig.receive(annulled(rig.contact(email="ana@gestoria.es", consent=False)))

    assert rig.mailer.tried == []
    report = rig.report()
    assert report["type"] == "es.casia.notification.skipped"
    assert report["data"]["reason_code"] == "no_consent"
    assert report["data"]["recipient"] == "ana@gestoria.es"
    assert (rig.row().status, rig.row().reason_code) == (DeliveryStatus.SKIPPED, "no_consent")
    assert rig.commits == [1]


async def test_a_transient_failure_is_raised_so_the_event_is_redelivered(rig: Rig) -> None:
    message = as_received(annulled(rig.contact()))
    rig.mailer.fail_transiently(1)

    with pytest.raises(MailServerDown):
        await rig.notifier.handle(message)

    assert (rig.row().status, rig.row().attempts) == (DeliveryStatus.PENDING, 1)
    assert (rig.store.outbox, rig.store.inbox, rig.commits) == ([], {}, [])

    await rig.notifier.handle(message)  # the redelivery

    assert len(rig.mailer.sent) == 1
    assert (rig.row().status, rig.row().attempts) == (DeliveryStatus.SENT, 2)
    assert rig.report()["type"] == "es.casia.notification.sent"


async def test_after_max_attempts_transient_failures_the_notice_is_failed(rig: Rig) -> None:
    message = as_received(annulled(rig.contact()))
    rig.mailer.fail_transiently(MAX_ATTEMPTS)

    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(MailServerDown):
            await rig.notifier.handle(message)
    await rig.notifier.handle(message)  # the last attempt fails too: recorded, not raised

    assert rig.mailer.sent == []
    assert len(rig.mailer.tried) == MAX_ATTEMPTS
    row = rig.row()
    assert (row.status, row.reason_code, row.attempts) == (DeliveryStatus.FAILED, "unreachable", MAX_ATTEMPTS)
    report = rig.report()
    assert report["type"] == "es.casia.notification.failed"
    assert "451" in report["data"]["reason"]
    assert rig.commits == [1]

    await rig.notifier.handle(message)  # a later redelivery changes nothing

    assert (len(rig.mailer.tried), len(rig.store.outbox)) == (MAX_ATTEMPTS, 1)


async def test_a_permanent_refusal_fails_the_notice_at_once(rig: Rig) -> None:
    rig.mailer.refuse()

    await rig.receive(annulled(rig.contact()))

    row = rig.row()
    assert (row.status, row.reason_code, row.attempts) == (DeliveryStatus.FAILED, "refused", 1)
    report = rig.report()
    assert report["type"] == "es.casia.notification.failed"
    assert report["data"]["reason"].startswith("550")


async def test_a_resent_notice_carries_the_same_message_id(rig: Rig) -> None:
    message = as_received(annulled(rig.contact()))
    rig.mailer.fail_transiently(1)
    with pytest.raises(MailServerDown):
        await rig.notifier.handle(message)

    await rig.notifier.handle(message)

    first, second = rig.mailer.tried
    assert first == second


async def test_an_outcome_a_concurrent_delivery_recorded_first_is_not_recorded_again(rig: Rig) -> None:
    message = as_received(annulled(rig.contact()))
    event_id = json.loads(message.value)["id"]
    at = rig.clock()

    class RacedMailer(RecordingMailer):
        async def send(self, mail: Mail) -> None:
            await super().send(mail)
            # Another instance, handed the same event, recorded its outcome meanwhile (one that
            # found this notice marked would): the transaction's own inbox check stops a second.
            await rig.store.run(lambda tx: tx.inbox.record(event_id, at=at))

    rig.mailer = RacedMailer()

    await rig.notifier.handle(message)

    assert len(rig.mailer.sent) == 1
    assert (rig.store.outbox, rig.commits) == ([], [])
    assert rig.row().status is DeliveryStatus.PENDING  # this instance finished nothing


async def test_report_ids_derive_from_the_notice_so_a_rerun_writes_the_same_ones() -> None:
    first, second = Rig(), Rig()
    authorization = new_authorization()
    for rig in (first, second):
        rig.contacts.put(authorization, email="ana@gestoria.es", consent=True)
    message = as_received(annulled(authorization))

    await first.notifier.handle(message)
    await second.notifier.handle(message)

    assert [m.id for m in first.store.outbox] == [m.id for m in second.store.outbox]
    assert first.mailer.sent[0].message_id == second.mailer.sent[0].message_id


async def test_an_event_without_a_template_is_ignored(rig: Rig) -> None:
    await rig.notifier.handle(golden("es.casia.case.assigned"))

    assert (rig.mailer.tried, rig.store.rows, rig.store.outbox, rig.store.inbox) == ([], {}, [], {})


def with_data(event_type: str, data: dict[str, Any]) -> InboundMessage:
    """The golden envelope of ``event_type`` with ``data`` in place of its own."""
    document = json.loads(golden(event_type).value)
    value = json.dumps({**document, "data": data}).encode()
    return InboundMessage(topic="casia.cases.events.v1", partition=0, offset=1, key="x", value=value)


async def test_an_event_without_a_template_is_ignored_even_if_its_data_is_unreadable(rig: Rig) -> None:
    await rig.notifier.handle(with_data("es.casia.case.assigned", {"case_number": 7}))

    assert (rig.store.rows, rig.store.outbox, rig.store.inbox) == ({}, [], {})


@pytest.mark.parametrize(
    "message",
    [
        InboundMessage(topic="casia.cases.events.v1", partition=0, offset=1, key="x", value=b"not json"),
        InboundMessage(topic="casia.cases.events.v1", partition=0, offset=1, key="x", value=b'{"id": "x"}'),
        with_data("es.casia.case.annulled", {"case_number": "CAS-2026-0000001"}),
    ],
    ids=["not-json", "not-an-envelope", "data-unreadable"],
)
async def test_an_unreadable_message_is_poison_and_changes_nothing(rig: Rig, message: InboundMessage) -> None:
    with pytest.raises(PoisonMessage):
        await rig.notifier.handle(message)

    assert (rig.mailer.tried, rig.store.rows, rig.store.outbox, rig.store.inbox) == ([], {}, [], {})


async def test_the_mail_text_is_not_html_escaped(rig: Rig) -> None:
    await rig.receive(annulled(rig.contact(), reason="Duplicado & <urgente> \"ya\" 'abierto'"))

    [mail] = rig.mailer.sent
    assert "\nDuplicado & <urgente> \"ya\" 'abierto'\n" in mail.body
    assert "&amp;" not in mail.body and "&lt;" not in mail.body


@pytest.mark.parametrize("event_type", sorted(TEMPLATES))
async def test_every_notice_renders_for_an_event_of_its_type(rig: Rig, event_type: str) -> None:
    message = golden(event_type)
    data = json.loads(message.value)["data"]
    rig.contacts.put(data["authorization_number"], email="gestoria@example.es", consent=True)

    await rig.notifier.handle(message)

    [mail] = rig.mailer.sent
    assert mail.subject.startswith("CASIA: ")
    assert data["case_number"] in mail.subject
    assert f"Número de caso: {data['case_number']}" in mail.body
    assert data["case_number"] in mail.html and mail.html.startswith("<!DOCTYPE html>")
    assert "{{" not in mail.body + mail.html and "{%" not in mail.body + mail.html
    assert rig.report()["data"]["template"] == TEMPLATES[event_type]


async def test_a_clerks_refused_command_sends_and_writes_nothing(rig: Rig) -> None:
    message = golden("es.casia.case.command_rejected")
    document = json.loads(message.value)
    rig.contacts.put(document["data"]["authorization_number"], email="g@example.es", consent=True)
    document["data"]["actor"] = {"kind": "tramitador", "nif": "87654321X", "name": "Juan Pérez Martín"}

    await rig.notifier.handle(replace(message, value=json.dumps(document).encode()))

    assert (rig.mailer.tried, rig.store.rows, rig.store.outbox, rig.store.inbox) == ([], {}, [], {})


async def test_a_deadline_is_shown_as_its_last_day_in_spain(rig: Rig) -> None:
    message = golden("es.casia.case.information_requested")  # deadline 2025-03-31T22:00:00Z
    rig.contacts.put(
        json.loads(message.value)["data"]["authorization_number"], email="g@example.es", consent=True
    )

    await rig.notifier.handle(message)

    # 00:00 on 1 April in Madrid (CEST, UTC+2): the last day to answer is 31 March.
    assert "hasta el 31/03/2025 (incluido" in rig.mailer.sent[0].body
