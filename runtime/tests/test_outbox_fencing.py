"""The relay's lease is fenced, against the real MongoDB: a relay that stalled past its lease and
lost it marks nothing and publishes no further batch; publishing is bounded and only starts with
a whole delivery's time left on the lease.

The lease lives in MongoDB, which is where these tests look; what a relay hands to Kafka is
recorded by a fake publisher (Kafka plays no part in the fencing).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import MongoClient, Session, in_transaction
from casia_runtime.outbox import Outbox, create_outbox_indexes
from casia_runtime.relay import Publisher, RelayLease, relay_for
from casia_runtime.settings import RuntimeSettings
from casia_runtime.testing.memory import RecordingPublisher
from casia_runtime.testing.waiting import eventually

pytestmark = pytest.mark.integration

SHORT_LEASE = RuntimeSettings(relay_lease_seconds=1.0, kafka_request_timeout_seconds=0.2)
"""A one-second lease and a 0.4 s delivery bound: lost quickly, without waiting in the test."""
OUTBOX = "outbox"


class FreezingPublisher:
    """Hands its first batch over and then freezes until resumed, as a relay process stopped
    right after publishing (a long GC pause, SIGSTOP, a VM migration). A frozen process runs no
    timer, so the relay's bound on the publish cannot cut the freeze short: the cancellation it
    sends is ignored until the process "resumes"."""

    def __init__(self, inner: Publisher) -> None:
        self._inner = inner
        self.frozen = asyncio.Event()
        self.resume = asyncio.Event()

    async def publish_all(self, messages: Sequence[OutboundMessage]) -> None:
        await self._inner.publish_all(messages)
        if self.frozen.is_set():
            return
        self.frozen.set()
        while not self.resume.is_set():
            try:
                await self.resume.wait()
            except asyncio.CancelledError:
                task = asyncio.current_task()
                assert task is not None
                task.uncancel()  # frozen: the timeout lands only once the process runs again


class HangingPublisher:
    """A broker that never acknowledges (and gives up when cancelled)."""

    async def publish_all(self, messages: Sequence[OutboundMessage]) -> None:
        await asyncio.Event().wait()


def message(key: str, sequence: int) -> OutboundMessage:
    event_id = str(uuid.uuid4())
    return OutboundMessage(
        id=event_id,
        topic="casia.test.fencing.v1",
        key=key,
        value=json.dumps({"id": event_id}).encode(),
        sequence=sequence,
    )


async def added(mongo: MongoClient, db: AsyncDatabase[dict[str, Any]], count: int) -> list[OutboundMessage]:
    """``count`` new entries of one case of their own, committed in one transaction, in order."""
    key = f"CAS-FENCE-{uuid.uuid4().hex[:8]}"
    messages = [message(key, sequence) for sequence in range(count)]

    async def work(session: Session) -> None:
        await Outbox(db[OUTBOX]).add(messages, session=session)

    await in_transaction(mongo, work)
    return messages


async def publication_marks(db: AsyncDatabase[dict[str, Any]]) -> dict[str, datetime | None]:
    return {entry["event_id"]: entry["published_at"] async for entry in db[OUTBOX].find()}


def ids(messages: Sequence[OutboundMessage]) -> list[str]:
    return [m.id for m in messages]


async def test_a_relay_that_stalled_past_its_lease_marks_nothing_and_publishes_no_further_batch(
    mongo: MongoClient, db: AsyncDatabase[dict[str, Any]]
) -> None:
    await create_outbox_indexes(db[OUTBOX])
    first = await added(mongo, db, 3)
    handed_over, live_published = RecordingPublisher(), RecordingPublisher()
    freezing = FreezingPublisher(handed_over)
    stalled = relay_for(
        db[OUTBOX], db.relay_leases, publisher=freezing, owner="stalled", settings=SHORT_LEASE
    )
    live = relay_for(
        db[OUTBOX], db.relay_leases, publisher=live_published, owner="live", settings=RuntimeSettings()
    )

    stalling = asyncio.create_task(stalled.publish_pending())
    await freezing.frozen.wait()  # it read its batch, handed it to Kafka and froze before marking it

    async def live_published_a_batch() -> bool:  # once the short lease has run out
        return await live.publish_pending() > 0

    await eventually(live_published_a_batch)
    marked_by_live = await publication_marks(db)

    freezing.resume.set()
    assert await stalling == 0, "the stalled relay marked its batch after losing the lease"
    later = await added(mongo, db, 2)
    assert await stalled.publish_pending() == 0, "the stalled relay published a further batch"
    assert await live.publish_pending() == 2

    assert ids(handed_over.published) == ids(first)  # only what it handed over before the stall
    assert ids(live_published.published) == ids(first) + ids(later)
    marks = await publication_marks(db)
    assert {event: marks[event] for event in ids(first)} == marked_by_live  # as the live relay marked them
    assert all(marks[event] is not None for event in ids(later))
    lease = await db.relay_leases.find_one({"_id": OUTBOX})
    assert lease is not None and (lease["owner"], lease["generation"]) == ("live", 2)


async def test_a_relay_renews_a_lease_with_less_than_a_delivery_left_and_publishes_nothing_once_taken_over(
    mongo: MongoClient, db: AsyncDatabase[dict[str, Any]]
) -> None:
    await create_outbox_indexes(db[OUTBOX])
    published = RecordingPublisher()
    relay = relay_for(db[OUTBOX], db.relay_leases, publisher=published, owner="first", settings=SHORT_LEASE)
    assert await relay.publish_pending() == 0  # nothing yet, but it takes the lease
    other = RelayLease(db.relay_leases, outbox=OUTBOX, owner="other", duration=timedelta(seconds=30))
    await eventually(lambda: other.acquire(datetime.now(UTC)))  # taken over once the short lease runs out

    await added(mongo, db, 2)

    assert await relay.publish_pending() == 0
    assert published.published == []
    assert await db[OUTBOX].count_documents({"published_at": None}) == 2


async def test_a_relay_whose_lease_ran_out_untaken_renews_it_in_the_same_generation_and_publishes(
    mongo: MongoClient, db: AsyncDatabase[dict[str, Any]]
) -> None:
    await create_outbox_indexes(db[OUTBOX])
    published = RecordingPublisher()
    relay = relay_for(db[OUTBOX], db.relay_leases, publisher=published, owner="first", settings=SHORT_LEASE)
    assert await relay.publish_pending() == 0

    async def lease_ran_out() -> bool:
        return await db.relay_leases.count_documents({"_id": OUTBOX, "until": {"$lt": datetime.now(UTC)}}) > 0

    await eventually(lease_ran_out)
    entries = await added(mongo, db, 2)

    assert await relay.publish_pending() == 2

    assert ids(published.published) == ids(entries)
    lease = await db.relay_leases.find_one({"_id": OUTBOX})
    assert lease is not None and lease["generation"] == 1


async def test_a_publish_that_hangs_is_given_up_after_the_delivery_bound_and_its_entries_stay_pending(
    mongo: MongoClient, db: AsyncDatabase[dict[str, Any]]
) -> None:
    await create_outbox_indexes(db[OUTBOX])
    await added(mongo, db, 2)
    relay = relay_for(
        db[OUTBOX], db.relay_leases, publisher=HangingPublisher(), owner="a", settings=SHORT_LEASE
    )

    publishing = asyncio.create_task(relay.publish_pending())
    done, _ = await asyncio.wait({publishing}, timeout=30)  # a safety net far beyond the 0.4 s bound

    assert publishing in done, "the publish was not bounded"
    assert isinstance(publishing.exception(), TimeoutError)
    assert await db[OUTBOX].count_documents({"published_at": None}) == 2


async def test_the_lease_generation_grows_on_every_take_over_and_not_on_a_renewal(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    now = datetime.now(UTC)
    first = RelayLease(db.leases, outbox="o", owner="first", duration=timedelta(seconds=10))
    second = RelayLease(db.leases, outbox="o", owner="second", duration=timedelta(seconds=10))

    assert await first.acquire(now) and first.generation == 1
    assert await first.acquire(now + timedelta(seconds=6)) and first.generation == 1  # renewed: until +16 s
    assert not await second.acquire(now + timedelta(seconds=15))
    assert await second.acquire(now + timedelta(seconds=17)) and second.generation == 2
    assert not await first.acquire(now + timedelta(seconds=18)) and first.generation is None
    await second.release()
    assert await first.acquire(now + timedelta(seconds=19)) and first.generation == 3
    assert await second.acquire(now + timedelta(seconds=30)) and second.generation == 4
