"""Which consumer is handling a record: the same name for every batch of one subscriber, and
inherited by the tasks a batch starts (its partitions run side by side), so a claim held on the
consumer's behalf is still its own at the next poll. FastStream's in-memory broker around the
real subscriber."""

from __future__ import annotations

from faststream.kafka import TestKafkaBroker

from casia_runtime.consumer import GuardedConsumer, consumer_name, subscribe_guarded
from casia_runtime.kafka import make_broker
from casia_runtime.messages import InboundMessage
from casia_runtime.settings import RuntimeSettings
from casia_runtime.testing.memory import RecordingPublisher

TOPIC = "casia.test.names.v1"


async def test_every_batch_of_a_subscriber_is_handled_under_its_one_name() -> None:
    broker = make_broker(RuntimeSettings(service_name="runtime-tests"))
    guard = GuardedConsumer(
        service="runtime-tests", dead_letters=RecordingPublisher(), max_attempts=3, retry_delay_seconds=0
    )
    names: list[str | None] = []

    async def handler(message: InboundMessage) -> None:
        names.append(consumer_name())

    subscribe_guarded(broker, TOPIC, guard=guard, handler=handler, consumers=1)
    async with TestKafkaBroker(broker) as test_broker:
        for n in range(3):
            await test_broker.publish(b"{}", TOPIC, key=f"CAS-{n}".encode())

    assert names == [f"{TOPIC}#0"] * 3
    assert consumer_name() is None  # outside a subscriber
