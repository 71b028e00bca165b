"""Broker tier: FastStream's in-memory TestKafkaBroker around the notifier's real subscriber.

Checks the wiring: raw records reach the use case undecoded, a case event becomes one mail, and
an unreadable record is dead-lettered and acknowledged instead of blocking its partition.
(Redelivery after a failure is Kafka's doing; the in-memory broker does not redeliver, so that
path is covered against the real broker by the workflow's crash test and the runtime's tests.)
"""

from __future__ import annotations

import json

from faststream.kafka import TestKafkaBroker

from casia_contracts import topics
from casia_notifier.entrypoints.consumer import subscribe
from casia_notifier.settings import NotifierSettings
from casia_runtime.consumer import GuardedConsumer
from casia_runtime.kafka import make_broker
from casia_runtime.testing.memory import RecordingPublisher

from ..messages import annulled, as_received
from ..rig import Rig


async def test_a_case_event_record_becomes_one_mail_and_garbage_is_dead_lettered() -> None:
    rig = Rig()
    authorization = rig.contact()
    broker = make_broker(NotifierSettings())
    dead_letters = RecordingPublisher()
    guard = GuardedConsumer(
        service="notifier", dead_letters=dead_letters, max_attempts=5, retry_delay_seconds=0
    )
    subscribe(broker, notifier=rig.notifier, guard=guard, consumers=2)
    event = as_received(annulled(authorization))

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(event.value, topics.CASE_EVENTS, key=(event.key or "").encode())
        await test_broker.publish(b"\x00 not a cloudevent", topics.CASE_EVENTS, key=b"junk")

    [mail] = rig.mailer.sent
    assert event.key and event.key in mail.subject
    [letter] = dead_letters.published
    assert letter.topic == "casia.dlq.notifier.v1"
    assert json.loads(letter.value)["error_type"] == "PoisonMessage"
