"""A backlog relayed to the real Kafka keeps each case's order, whatever the insertion order.

5,000 entries over 50 cases are written in an order that disagrees with their sequence (as when
writers with skewed clocks, or a long outage, leave a backlog), relayed by the real relay in
batches of 200 to a topic of the test's own with several partitions, and read back as an outside
subscriber would: each case's events must arrive by sequence, each once.
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.kafka import KafkaPublisher
from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import MongoClient, Session, in_transaction
from casia_runtime.outbox import Outbox, create_outbox_indexes
from casia_runtime.relay import relay_for
from casia_runtime.settings import RuntimeSettings
from casia_runtime.testing import read_until
from casia_runtime.testing.kafka import own_topics, unique_name

pytestmark = pytest.mark.integration

CASES, VERSIONS, EVENTS_PER_VERSION = 50, 50, 2  # 5,000 entries
WRITES_PER_TRANSACTION = 100


def backlog(topic: str) -> list[OutboundMessage]:
    """Every case's events, each with its sequence (version × 1000 + index), shuffled."""
    run = uuid.uuid4().hex[:6]
    messages = []
    for case in range(CASES):
        key = f"CAS-BACKLOG-{run}-{case:02d}"
        for version in range(1, VERSIONS + 1):
            for index in range(EVENTS_PER_VERSION):
                sequence = version * 1000 + index
                value = json.dumps({"key": key, "sequence": sequence}).encode()
                messages.append(OutboundMessage(str(uuid.uuid4()), topic, key, value, sequence=sequence))
    random.Random(5).shuffle(messages)
    return messages


async def test_a_backlog_written_out_of_order_reaches_kafka_in_sequence_per_case(
    publisher: KafkaPublisher,
    mongo: MongoClient,
    db: AsyncDatabase[dict[str, Any]],
    settings: RuntimeSettings,
) -> None:
    topic = unique_name("casia.test.backlog")
    async with own_topics(settings.kafka_bootstrap, {topic: 6}):
        messages = backlog(topic)
        await create_outbox_indexes(db.outbox)
        for start in range(0, len(messages), WRITES_PER_TRANSACTION):
            chunk = messages[start : start + WRITES_PER_TRANSACTION]

            async def write(session: Session, chunk: list[OutboundMessage] = chunk) -> None:
                await Outbox(db.outbox).add(chunk, session=session)

            await in_transaction(mongo, write)
        relay = relay_for(db.outbox, db.leases, publisher=publisher, owner="a", settings=settings)
        assert settings.relay_batch_size == 200

        while await relay.publish_pending():
            pass

        records = await read_until(
            settings.kafka_bootstrap,
            topic,
            lambda r: True,
            within=60,
            enough=lambda seen: len(seen) >= len(messages),
        )
    received: dict[str, list[int]] = {}
    for record in records:
        event = json.loads(record.value)
        assert record.key == event["key"].encode()
        received.setdefault(event["key"], []).append(event["sequence"])
    expected = sorted(
        version * 1000 + index for version in range(1, VERSIONS + 1) for index in range(EVENTS_PER_VERSION)
    )
    assert len(received) == CASES
    out_of_order = [key for key, sequences in received.items() if sequences != expected]
    assert out_of_order == [], f"{len(out_of_order)} cases arrived out of sequence (or with gaps or repeats)"
    assert await db.outbox.count_documents({"published_at": None}) == 0
