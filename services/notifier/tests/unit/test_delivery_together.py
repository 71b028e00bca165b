"""A poll's events handled together: each notice ends as it would alone, in fewer round trips,
and whatever cannot end together leaves nothing that the one-by-one path would do twice."""

from __future__ import annotations

import asyncio

import pytest

from casia_notifier.service.claims import ClaimedElsewhere
from casia_notifier.service.ports import DeliveryStatus, Mail
from casia_runtime.consumer import PoisonMessage
from casia_runtime.messages import InboundMessage

from ..fakes import MailServerDown, RecordingMailer
from ..messages import annulled, as_received, golden, issued
from ..rig import Rig


@pytest.fixture
def rig() -> Rig:
    return Rig()


def a_mix(rig: Rig) -> list[InboundMessage]:
    """Notices to send, to skip (no consent, no contact), and an event that carries none."""
    return [
        as_received(annulled(rig.contact(email="ana@gestoria.es"))),
        as_received(issued(rig.contact(email="luis@asesoria.es"))),
        as_received(annulled(rig.contact(consent=False))),
        as_received(annulled(rig.contact(email=None))),
        golden("es.casia.case.assigned"),
    ]


async def test_a_batch_ends_every_notice_as_handling_each_alone_does_in_one_commit(rig: Rig) -> None:
    alone, messages = Rig(), a_mix(rig)
    alone.contacts = rig.contacts
    for message in messages:
        await alone.notifier.handle(message)

    await rig.notifier.handle_together(messages)

    assert sorted(rig.mailer.sent, key=repr) == sorted(alone.mailer.sent, key=repr)
    assert len(rig.mailer.sent) == 2
    assert [m.id for m in rig.store.outbox] == [m.id for m in alone.store.outbox]
    assert [m.value for m in rig.store.outbox] == [m.value for m in alone.store.outbox]
    assert rig.store.inbox == alone.store.inbox
    assert {k: (r.status, r.reason_code, r.attempts) for k, r in rig.store.rows.items()} == {
        k: (r.status, r.reason_code, r.attempts) for k, r in alone.store.rows.items()
    }
    assert (rig.commits, len(alone.commits)) == ([1], 4)


async def test_an_event_applied_before_or_delivered_twice_in_the_batch_is_sent_once(rig: Rig) -> None:
    before, twice = (as_received(annulled(rig.contact())) for _ in range(2))
    await rig.notifier.handle(before)

    await rig.notifier.handle_together([before, twice, twice])

    assert len(rig.mailer.sent) == 2
    assert len(rig.store.outbox) == 2
    assert rig.commits == [1, 1]


async def test_after_a_transient_failure_in_a_batch_one_by_one_sends_only_what_was_not_accepted(
    rig: Rig,
) -> None:
    messages = [as_received(annulled(rig.contact())) for _ in range(3)]
    rig.mailer.fail_transiently(1)

    with pytest.raises(MailServerDown):
        await rig.notifier.handle_together(messages)

    assert len(rig.mailer.sent) == 2  # the others went out, and were marked at once
    assert sum(row.sent_at is not None for row in rig.store.rows.values()) == 2
    assert (rig.store.outbox, rig.store.inbox, rig.commits) == ([], {}, [])

    for message in messages:  # what the runtime does next
        await rig.notifier.handle(message)

    assert sorted(m.message_id for m in rig.mailer.sent) == sorted({m.message_id for m in rig.mailer.sent})
    assert len(rig.mailer.sent) == 3
    assert {row.status for row in rig.store.rows.values()} == {DeliveryStatus.SENT}
    assert len(rig.store.outbox) == 3


async def test_a_notice_refused_for_good_in_a_batch_is_recorded_failed(rig: Rig) -> None:
    rig.mailer.refuse()

    await rig.receive_together(annulled(rig.contact()), annulled(rig.contact()))

    refused = (DeliveryStatus.FAILED, "refused")
    assert [(r.status, r.reason_code) for r in rig.store.rows.values()] == [refused, refused]
    assert [report["type"] for report in rig.reports()] == ["es.casia.notification.failed"] * 2


async def test_a_batch_with_a_notice_another_consumer_holds_sends_nothing(rig: Rig) -> None:
    held, free = as_received(annulled(rig.contact())), as_received(annulled(rig.contact()))
    holders_mailer = RecordingMailer()
    holders_mailer.hold()
    holder = rig.consumer("host-b:202:casia.cases.events.v1#0", holders_mailer)
    holding = asyncio.create_task(holder.handle(held))
    await holders_mailer.handed.wait()

    with pytest.raises(ClaimedElsewhere):
        await rig.notifier.handle_together([held, free])

    assert rig.mailer.tried == []
    holders_mailer.release()
    await holding


async def test_an_unreadable_message_in_a_batch_writes_nothing(rig: Rig) -> None:
    unreadable = InboundMessage(topic="casia.cases.events.v1", partition=0, offset=1, key="x", value=b"\x00")

    with pytest.raises(PoisonMessage):
        await rig.notifier.handle_together([as_received(annulled(rig.contact())), unreadable])

    assert (rig.mailer.tried, rig.store.rows, rig.store.outbox) == ([], {}, [])


class TimedMailer(RecordingMailer):
    """Keeps when each mail's send began and ended; each takes a moment."""

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[tuple[str, str]] = []

    async def send(self, mail: Mail) -> None:
        self.steps.append(("began", mail.subject))
        await asyncio.sleep(0.01)
        await super().send(mail)
        self.steps.append(("ended", mail.subject))


async def test_mails_of_different_cases_go_side_by_side_and_a_cases_one_after_the_other(rig: Rig) -> None:
    rig.mailer = TimedMailer()
    authorization = rig.contact()
    first = annulled(authorization)
    then = issued(authorization).model_copy(update={"case_number": first.case_number})
    other = annulled(rig.contact())

    await rig.receive_together(first, then, other)

    steps = rig.mailer.steps
    began = [subject for step, subject in steps if step == "began"]
    assert steps[:2] == [("began", began[0]), ("began", began[1])]  # two cases at once
    same_case = [(step, subject) for step, subject in steps if first.case_number in subject]
    assert [step for step, _ in same_case] == ["began", "ended", "began", "ended"]
    assert "anulado" in same_case[0][1] and "Justificante" in same_case[2][1]
