"""The relay's order, against the real MongoDB: a key's entries go strictly by sequence, across
batches as within one; ties (and entries written without a sequence) keep insertion order.

The publisher is a recording fake: the order is decided by the relay's reading of MongoDB, and
Kafka keeps what it is given per key (the backlog test in test_outbox_backlog.py checks that end
to end).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.outbox import create_outbox_indexes
from casia_runtime.relay import OutboxRelay, RelayLease, RelayOptions
from casia_runtime.testing.memory import RecordingPublisher

pytestmark = pytest.mark.integration


def entry(key: str, name: str, sequence: int | None = None) -> dict[str, Any]:
    """An outbox entry as :class:`~casia_runtime.outbox.Outbox` stores it, inserted in call order
    (its ``_id`` is taken now); without ``sequence`` it is an entry of a writer that set none."""
    document: dict[str, Any] = {
        "_id": ObjectId(),
        "event_id": name,
        "topic": "casia.test.order.v1",
        "key": key,
        "value": name.encode(),
        "headers": {},
        "published_at": None,
    }
    if sequence is not None:
        document["sequence"] = sequence
    return document


async def relayed_names(db: AsyncDatabase[dict[str, Any]], *, batch_size: int = 200) -> list[list[str]]:
    """Each batch the relay publishes until nothing is pending, as the names of its entries."""
    await create_outbox_indexes(db.outbox)
    publisher = RecordingPublisher()
    lease = RelayLease(db.leases, outbox="outbox", owner="order-tests", duration=timedelta(seconds=30))
    relay = OutboxRelay(
        db.outbox, publisher=publisher, lease=lease, options=RelayOptions(batch_size=batch_size)
    )
    batches: list[list[str]] = []
    while count := await relay.publish_pending():
        batches.append([message.id for message in publisher.published[-count:]])
    return batches


async def test_each_keys_entries_follow_their_sequence_at_the_place_of_the_keys_first_entry(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    await db.outbox.insert_many(
        [entry("A", "a3", 3), entry("B", "b1", 1), entry("A", "a2", 2), entry("B", "b2", 2)]
    )

    assert await relayed_names(db) == [["a2", "a3", "b1", "b2"]]


async def test_ties_and_entries_without_a_sequence_keep_insertion_order(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    await db.outbox.insert_many([entry("A", "first"), entry("A", "second"), entry("A", "third", 0)])

    assert await relayed_names(db) == [["first", "second", "third"]]


async def test_a_lower_sequence_inserted_later_goes_before_a_higher_one_of_an_earlier_batch(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    """As after a backlog, or with a writer whose clock runs behind: the oldest two entries are
    A's version 3 and B's version 1, but A's versions 1 and 2 are still pending."""
    await db.outbox.insert_many(
        [entry("A", "a3", 3000), entry("B", "b1", 1000), entry("A", "a2", 2000), entry("A", "a1", 1000)]
    )

    batches = await relayed_names(db, batch_size=2)

    assert batches == [["a1", "b1"], ["a2", "a3"]]


async def test_every_batch_makes_progress_even_when_one_key_fills_the_backlog(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    """Entries inserted newest version first: each batch still publishes the lowest pending ones."""
    await db.outbox.insert_many([entry("A", f"a{version}", version) for version in range(9, 0, -1)])

    batches = await relayed_names(db, batch_size=4)

    assert batches == [["a1", "a2", "a3", "a4"], ["a5", "a6", "a7", "a8"], ["a9"]]
