"""Transactional outbox and relay against the real MongoDB replica set and Kafka."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.kafka import KafkaPublisher
from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import MongoClient, Session, in_transaction
from casia_runtime.outbox import Outbox, create_outbox_indexes
from casia_runtime.relay import RelayLease, relay_for
from casia_runtime.settings import RuntimeSettings
from casia_runtime.testing import read_until

pytestmark = pytest.mark.integration


def message(topic: str, key: str, sequence: int = 0) -> OutboundMessage:
    event_id = str(uuid.uuid4())
    return OutboundMessage(
        id=event_id,
        topic=topic,
        key=key,
        value=json.dumps({"id": event_id, "key": key}).encode(),
        headers={"content-type": "application/json"},
        sequence=sequence,
    )


async def test_committed_entries_are_published_once_in_order_with_key(
    publisher: KafkaPublisher,
    mongo: MongoClient,
    db: AsyncDatabase[dict[str, Any]],
    test_topic: str,
    settings: RuntimeSettings,
) -> None:
    key = f"CAS-TEST-{uuid.uuid4().hex[:8]}"
    first, second = message(test_topic, key), message(test_topic, key)
    outbox = Outbox(db.outbox)
    await create_outbox_indexes(db.outbox)

    async def work(session: Session) -> None:
        await outbox.add([first, second], session=session)

    await in_transaction(mongo, work)
    relay = relay_for(db.outbox, db.leases, publisher=publisher, owner="a", settings=settings)

    assert await relay.publish_pending() == 2
    assert await relay.publish_pending() == 0
    records = await read_until(settings.kafka_bootstrap, test_topic, lambda r: r.key == key.encode())
    assert [json.loads(r.value)["id"] for r in records] == [first.id, second.id]
    assert dict(records[0].headers)["content-type"] == b"application/json"
    assert await db.outbox.count_documents({"published_at": None}) == 0


async def test_an_aborted_transaction_leaves_nothing_to_publish(
    mongo: MongoClient, db: AsyncDatabase[dict[str, Any]], test_topic: str
) -> None:
    outbox = Outbox(db.outbox)

    async def work(session: Session) -> None:
        await outbox.add([message(test_topic, "CAS-ABORTED")], session=session)
        raise RuntimeError("the state change failed")

    with pytest.raises(RuntimeError):
        await in_transaction(mongo, work)
    assert await db.outbox.count_documents({}) == 0


async def test_only_one_relay_holds_the_lease_until_it_expires(db: AsyncDatabase[dict[str, Any]]) -> None:
    now = datetime.now(UTC)
    first = RelayLease(db.leases, outbox="o", owner="first", duration=timedelta(seconds=10))
    second = RelayLease(db.leases, outbox="o", owner="second", duration=timedelta(seconds=10))

    assert await first.acquire(now)
    assert not await second.acquire(now)
    assert await second.acquire(now + timedelta(seconds=11))
    assert not await first.acquire(now + timedelta(seconds=12))


async def test_a_keys_entries_are_published_by_sequence_even_if_inserted_out_of_order(
    publisher: KafkaPublisher,
    mongo: MongoClient,
    db: AsyncDatabase[dict[str, Any]],
    test_topic: str,
    settings: RuntimeSettings,
) -> None:
    """As when two instances with skewed clocks wrote versions 2 and 3 of one case."""
    key = f"CAS-SKEW-{uuid.uuid4().hex[:8]}"
    version_3, version_2 = message(test_topic, key, sequence=3000), message(test_topic, key, sequence=2000)
    outbox = Outbox(db.outbox)

    async def work(session: Session) -> None:
        await outbox.add([version_3, version_2], session=session)  # insertion order is wrong

    await in_transaction(mongo, work)
    relay = relay_for(db.outbox, db.leases, publisher=publisher, owner="a", settings=settings)
    await relay.publish_pending()

    records = await read_until(
        settings.kafka_bootstrap,
        test_topic,
        lambda r: r.key == key.encode(),
        enough=lambda seen: len(seen) >= 2,
    )
    assert [json.loads(r.value)["id"] for r in records] == [version_2.id, version_3.id]
