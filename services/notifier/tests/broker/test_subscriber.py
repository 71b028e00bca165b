"""Broker tier: FastStream's in-memory TestKafkaBroker around the notifier's real subscribers.

Checks the wiring: raw records reach the use case undecoded, a case event and a receipt issued
(each on its own topic) become one mail each, and an unreadable record is dead-lettered and
acknowledged instead of blocking its partition. (Redelivery after a failure is Kafka's doing; the
in-memory broker does not redeliver, so that path is covered against the real broker by the
workflow's crash test and the runtime's tests.)
"""

from __future__ import annotations

import json

from faststream.kafka import KafkaBroker, TestKafkaBroker

from casia_contracts import topics
from casia_notifier.entrypoints.consumer import subscribe
from casia_notifier.settings import NotifierSettings
from casia_runtime.consumer import GuardedConsumer
from casia_runtime.kafka import make_broker
from casia_runtime.testing.memory import RecordingPublisher

from ..messages import annulled, as_received, issued
from ..rig import Rig


def subscribed(rig: Rig, dead_letters: RecordingPublisher) -> tuple[KafkaBroker, GuardedConsumer]:
    """A broker with the notifier's subscribers over ``rig``, and the guard they share."""
    broker = make_broker(NotifierSettings())
    guard = GuardedConsumer(
        service="notifier", dead_letters=dead_letters, max_attempts=5, retry_delay_seconds=0
    )
    subscribe(broker, notifier=rig.notifier, guard=guard, consumers=2)
    return broker, guard


async def test_a_case_event_record_becomes_one_mail_and_garbage_is_dead_lettered() -> None:
    rig, dead_letters = Rig(), RecordingPublisher()
    broker, _ = subscribed(rig, dead_letters)
    event = as_received(annulled(rig.contact()))

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(event.value, topics.CASE_EVENTS, key=(event.key or "").encode())
        await test_broker.publish(b"\x00 not a cloudevent", topics.CASE_EVENTS, key=b"junk")

    [mail] = rig.mailer.sent
    assert event.key and event.key in mail.subject
    [letter] = dead_letters.published
    assert letter.topic == "casia.dlq.notifier.v1"
    assert json.loads(letter.value)["error_type"] == "PoisonMessage"


async def test_a_receipt_record_becomes_one_mail_and_garbage_there_is_dead_lettered() -> None:
    rig, dead_letters = Rig(), RecordingPublisher()
    broker, guard = subscribed(rig, dead_letters)
    receipt = as_received(issued(rig.contact()))

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(receipt.value, topics.RECEIPT_EVENTS, key=(receipt.key or "").encode())
        await test_broker.publish(b"\x00 not a cloudevent", topics.RECEIPT_EVENTS, key=b"junk")

    [mail] = rig.mailer.sent
    assert receipt.key and receipt.key in mail.subject and "Justificante" in mail.subject
    [letter] = dead_letters.published
    assert json.loads(letter.value)["error_type"] == "PoisonMessage"
    assert guard.handler_for(topics.RECEIPT_EVENTS) == guard.handler_for(topics.CASE_EVENTS)
