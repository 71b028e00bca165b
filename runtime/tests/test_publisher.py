"""The publisher against the real Kafka: what it hands over arrives, and a producer Kafka has
made unusable for good is replaced rather than failing every later message."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from aiokafka.errors import OutOfOrderSequenceNumber

from casia_runtime.kafka import KafkaPublisher
from casia_runtime.messages import OutboundMessage
from casia_runtime.settings import RuntimeSettings
from casia_runtime.testing import read_until

pytestmark = pytest.mark.integration


def message(topic: str, key: str) -> OutboundMessage:
    event_id = str(uuid.uuid4())
    return OutboundMessage(id=event_id, topic=topic, key=key, value=json.dumps({"id": event_id}).encode())


async def test_after_a_fatal_producer_error_the_next_message_goes_through_a_new_producer(
    publisher: KafkaPublisher, settings: RuntimeSettings, test_topic: str
) -> None:
    key = f"CAS-PRODUCER-{uuid.uuid4().hex[:8]}"
    first, second = message(test_topic, key), message(test_topic, key)
    await publisher.publish_all([first])
    broken = await publisher.hand_over(message(test_topic, key))
    await broken
    # What aiokafka's sender reports when a restarted broker lost batches it had in flight:
    # from then on that producer fails every send.
    failed: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    failed.set_exception(OutOfOrderSequenceNumber())
    failed.exception()  # retrieved: no "never retrieved" warning
    publisher._watch(publisher._producer, failed)
    old = publisher._producer

    await publisher.publish_all([second])

    assert publisher._producer is not None and publisher._producer is not old
    records = await read_until(
        settings.kafka_bootstrap,
        test_topic,
        lambda r: r.key == key.encode(),
        enough=lambda seen: len(seen) >= 3,
    )
    assert [json.loads(r.value)["id"] for r in records][-1] == second.id
