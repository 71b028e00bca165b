"""Consumers that race for a notice or die while sending it, over the in-memory ports.

Each consumer is a notifier with an owner id and a mailer of its own; they share the delivery
log, the clock and the contacts, as consumers of different processes share MongoDB. A pause
advances the rig's clock and lets the other consumers run.
"""

from __future__ import annotations

import asyncio

import pytest

from casia_notifier.service.ports import DeliveryStatus, Mail
from casia_runtime.messages import InboundMessage

from ..fakes import DiesBeforeCommit, MongoUnreachable, ProcessDied, RecordingMailer
from ..messages import annulled, as_received
from ..rig import LEASE, Rig

OTHER = "host-b:202:Task-9"


@pytest.fixture
def rig() -> Rig:
    return Rig()


@pytest.fixture
def message(rig: Rig) -> InboundMessage:
    return as_received(annulled(rig.contact()))


async def until_waiting(rig: Rig, owner: str) -> None:
    while not rig.waited(owner):  # noqa: ASYNC110 - yields to that consumer's task until it pauses
        await asyncio.sleep(0)


async def test_the_notice_is_claimed_before_smtp_and_marked_as_soon_as_the_server_accepts_it(
    rig: Rig, message: InboundMessage
) -> None:
    seen_while_sending = []

    class Watching(RecordingMailer):
        async def send(self, mail: Mail) -> None:
            seen_while_sending.append(rig.row())
            await super().send(mail)

    rig.mailer = Watching()

    await rig.notifier.handle(message)

    [during] = seen_while_sending
    assert (during.status, during.claimed_by, during.attempts, during.sent_at) == (
        DeliveryStatus.PENDING,
        rig.owner,
        1,
        None,
    )
    assert during.claimed_until == rig.clock() + LEASE
    assert (rig.row().status, rig.row().sent_at) == (DeliveryStatus.SENT, rig.clock())


async def test_a_second_consumer_does_not_send_a_notice_another_consumer_is_sending(
    rig: Rig, message: InboundMessage
) -> None:
    other = RecordingMailer()
    rig.mailer.hold()
    sending = asyncio.create_task(rig.notifier.handle(message))
    await rig.mailer.handed.wait()  # the first consumer's mail is in flight, under its claim

    waiting = asyncio.create_task(rig.consumer(OTHER, other).handle(message))  # a rebalance, say
    await until_waiting(rig, OTHER)
    rig.mailer.release()
    await asyncio.gather(sending, waiting)  # the wait raised nothing: no failed attempt

    assert (len(rig.mailer.sent), other.tried) == (1, [])
    assert rig.report()["type"] == "es.casia.notification.sent"
    assert (rig.row().attempts, rig.row().claimed_by) == (1, rig.owner)
    assert 0 < rig.waited(OTHER) < LEASE.total_seconds()


async def test_a_consumer_waiting_on_a_claim_records_nothing_when_the_holder_fails_the_notice(
    rig: Rig, message: InboundMessage
) -> None:
    other = RecordingMailer()
    rig.mailer.hold()
    rig.mailer.refuse()
    sending = asyncio.create_task(rig.notifier.handle(message))
    await rig.mailer.handed.wait()

    waiting = asyncio.create_task(rig.consumer(OTHER, other).handle(message))
    await until_waiting(rig, OTHER)
    rig.mailer.release()
    await asyncio.gather(sending, waiting)

    assert other.tried == []
    assert rig.report()["type"] == "es.casia.notification.failed"
    assert (rig.row().status, rig.row().attempts) == (DeliveryStatus.FAILED, 1)


async def test_a_notice_marked_sent_before_its_sender_died_is_recorded_and_not_sent_again(
    rig: Rig, message: InboundMessage
) -> None:
    dying = rig.consumer(rig.owner, rig.mailer, transactions=DiesBeforeCommit())
    with pytest.raises(ProcessDied):
        await dying.handle(message)  # accepted and marked; killed before the outcome's commit
    assert (rig.row().status, rig.row().sent_at) == (DeliveryStatus.PENDING, rig.clock())

    other = RecordingMailer()
    await rig.consumer(OTHER, other).handle(message)  # the redelivery, to the survivor

    assert (len(rig.mailer.sent), other.tried) == (1, [])
    assert rig.waited(OTHER) == 0  # a marked notice is not waited on, even under a live claim
    report = rig.report()
    assert report["type"] == "es.casia.notification.sent"
    assert report["data"]["recipient"] == rig.mailer.sent[0].recipient
    assert (rig.row().status, rig.row().attempts) == (DeliveryStatus.SENT, 1)
    assert rig.commits == [1]


async def test_a_claim_that_lapsed_unmarked_is_taken_over_and_resent_with_the_same_message_id(
    rig: Rig, message: InboundMessage
) -> None:
    rig.mailer.die_on_acceptance()
    with pytest.raises(ProcessDied):
        await rig.notifier.handle(message)  # accepted, killed before the mark
    assert (rig.row().claimed_by, rig.row().sent_at) == (rig.owner, None)

    other = RecordingMailer()
    await rig.consumer(OTHER, other).handle(message)

    [first], [again] = rig.mailer.sent, other.sent
    assert again.message_id == first.message_id  # the one duplicate left, recognisable by its id
    assert rig.waited(OTHER) == pytest.approx(LEASE.total_seconds())  # until the claim lapsed
    assert (rig.row().status, rig.row().attempts, rig.row().claimed_by) == (DeliveryStatus.SENT, 2, OTHER)
    assert rig.report()["type"] == "es.casia.notification.sent"


async def test_a_retry_after_a_transient_failure_renews_the_consumers_own_claim_at_once(
    rig: Rig, message: InboundMessage
) -> None:
    rig.mailer.fail_transiently(1)
    with pytest.raises(ConnectionError):
        await rig.notifier.handle(message)

    await rig.notifier.handle(message)  # redelivered to the same consumer, its claim still live

    assert rig.waited(rig.owner) == 0
    assert len(rig.mailer.sent) == 1
    assert (rig.row().status, rig.row().attempts, rig.row().claimed_by) == (DeliveryStatus.SENT, 2, rig.owner)


async def test_a_mark_that_fails_is_tried_again_so_the_mail_is_not_sent_twice(
    rig: Rig, message: InboundMessage
) -> None:
    rig.store.marks_failing = 2

    await rig.notifier.handle(message)

    assert len(rig.mailer.sent) == 1
    assert rig.row().sent_at is not None
    assert rig.report()["type"] == "es.casia.notification.sent"
    assert len(rig.paused) == 2


async def test_a_mark_that_keeps_failing_is_raised_once_the_claim_lapses(
    rig: Rig, message: InboundMessage
) -> None:
    rig.store.marks_failing = 10_000

    with pytest.raises(MongoUnreachable):
        await rig.notifier.handle(message)

    assert len(rig.mailer.sent) == 1
    assert rig.waited(rig.owner) == pytest.approx(LEASE.total_seconds())
    assert (rig.row().sent_at, rig.store.outbox) == (None, [])


async def test_a_sender_that_outlived_its_claim_still_has_the_outcome_recorded_once(
    rig: Rig, message: InboundMessage
) -> None:
    """What the mailer's time bound (shorter than the lease) rules out in the service."""
    other = RecordingMailer()
    rig.mailer.hold()
    sending = asyncio.create_task(rig.notifier.handle(message))
    await rig.mailer.handed.wait()

    await rig.consumer(OTHER, other).handle(message)  # waits the lease out, then sends
    rig.mailer.release()
    await sending  # its mark finds the claim taken over; the outcome is already recorded

    assert [m.message_id for m in rig.mailer.sent] == [m.message_id for m in other.sent]
    assert (rig.row().attempts, rig.row().claimed_by) == (2, OTHER)
    assert len(rig.reports()) == 1
    assert rig.commits == [1]
