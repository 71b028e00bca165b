"""The outbox relay: entries a writer stored with its state change (:mod:`casia_runtime.outbox`)
are published to Kafka.

The :class:`OutboxRelay` publishes pending entries (acks=all) and marks them published. A crash
between publishing and marking re-publishes the same CloudEvent ids, which consumers deduplicate;
nothing committed is ever lost.

Order: each key's entries are published strictly by ``sequence`` (ties in insertion order),
across batches as within one: an entry is never published while a lower-sequence entry of its
key is still pending, whatever the clocks of the writers (which give the insertion order) said.
Across keys the oldest pending entries go first; Kafka keeps order per key only anyway.

Several instances may run the relay: a fenced lease (:mod:`casia_runtime.lease`) lets one
publish at a time. A relay publishes a batch only while its lease has at least the producer's
delivery bound left, gives the publish no longer than that bound, and marks the batch in one
transaction with its lease's generation, so a relay that stalled past its lease marks nothing
and stops publishing once it finds the lease taken over.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from casia_runtime.lease import RelayLease
from casia_runtime.logging import get_logger
from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import Document, Session, in_transaction, unavailable
from casia_runtime.settings import RuntimeSettings
from casia_telemetry.metrics import OUTBOX_PUBLISHED

# RelayLease is re-exported: the relay and its lease go together.
__all__ = ["OutboxRelay", "Publisher", "RelayLease", "RelayOptions", "relay_for"]

log = get_logger(__name__)

KEYS_PER_QUERY = 100
"""Keys whose entries one aggregation reads (one $unionWith stage each): far below the
server's limit on the stages of a pipeline."""


class Publisher(Protocol):
    async def publish_all(self, messages: Sequence[OutboundMessage]) -> None:
        """Publish in order and return once every message is acknowledged; raise otherwise."""


@dataclass(frozen=True, slots=True)
class RelayOptions:
    batch_size: int = 200
    idle_poll_seconds: float = 0.2
    delivery_bound_seconds: float = 20.0
    """How long one publish may take before it is given up: the producer's delivery bound
    (:attr:`RuntimeSettings.kafka_delivery_bound_seconds`). The lease must last longer."""


class OutboxRelay:
    """Publishes pending outbox entries; woken by local writers, polling as a fallback."""

    def __init__(
        self,
        collection: AsyncCollection[Document],
        *,
        publisher: Publisher,
        lease: RelayLease,
        options: RelayOptions = RelayOptions(),  # frozen: one default shared safely
    ) -> None:
        self._bound = timedelta(seconds=options.delivery_bound_seconds)
        if lease.duration <= self._bound:
            raise ValueError("the relay's lease must last longer than one delivery (delivery_bound_seconds)")
        self._collection = collection
        self._publisher = publisher
        self._lease = lease
        self._options = options
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Tell the relay that new entries were committed (saves a polling delay)."""
        self._wake.set()

    async def publish_pending(self) -> int:
        """Publish the next batch and mark it published; how many entries that was.

        Takes or renews the lease first; returns 0 without publishing when another relay holds
        it, when nothing is pending, or when the lease turns out lost (the batch is dropped for
        its holder to publish, and ``outbox.lease_lost`` logged). Raises when the publish fails
        or outlasts the delivery bound: the entries stay pending and are published again.
        """
        if not await self._hold(pending=0):
            return 0
        batch = await self._next_batch()
        if not batch:
            return 0
        if not await self._hold(pending=len(batch)):  # reading the batch may have stalled
            return 0
        messages = [_to_message(entry) for entry in batch]
        await asyncio.wait_for(self._publisher.publish_all(messages), timeout=self._bound.total_seconds())
        if not await self._mark_published(batch):
            return 0
        OUTBOX_PUBLISHED.inc(len(batch))
        return len(batch)

    async def _hold(self, *, pending: int) -> bool:
        """Whether this relay holds the lease with a whole delivery's time left (renewed if not)."""
        held = self._lease.generation
        if await self._lease.acquire(datetime.now(UTC), need=self._bound):
            return True
        if held is not None:
            self._lost(held, dropped=pending)
        return False

    async def _next_batch(self) -> list[Document]:
        """At most ``batch_size`` pending entries, in publishing order.

        The oldest ``batch_size`` pending entries (by ``_id``) choose the keys and how many
        entries each gets (its quota); each key then contributes the first ``quota`` of its
        pending entries in (sequence, _id) order, so a lower sequence never waits for a later
        batch. Every key chosen has a pending entry, so every batch makes progress, and the
        oldest pending entry's key goes first.
        """
        oldest = await self._collection.find(
            {"published_at": None},
            projection={"_id": False, "key": True},
            sort=[("_id", ASCENDING)],
            limit=self._options.batch_size,
        ).to_list()
        quotas = list(Counter(entry["key"] for entry in oldest).items())  # keys by their oldest entry
        batch: list[Document] = []
        for start in range(0, len(quotas), KEYS_PER_QUERY):
            pipeline = _prefixes_pipeline(self._collection.name, quotas[start : start + KEYS_PER_QUERY])
            batch += await (await self._collection.aggregate(pipeline)).to_list()
        return batch

    async def _mark_published(self, batch: Sequence[Document]) -> bool:
        """Mark ``batch`` published if, in the same transaction, the lease is still this relay's
        generation; False (nothing marked) when another relay took it over."""
        ids, at, generation = [entry["_id"] for entry in batch], datetime.now(UTC), self._lease.generation

        async def mark(session: Session) -> bool:
            if not await self._lease.confirm(session):
                return False
            await self._collection.update_many(
                {"_id": {"$in": ids}, "published_at": None}, {"$set": {"published_at": at}}, session=session
            )
            return True

        if await in_transaction(self._collection.database.client, mark):
            return True
        self._lease.forget()
        self._lost(generation, unmarked=len(batch))
        return False

    def _lost(self, generation: int | None, *, dropped: int = 0, unmarked: int = 0) -> None:
        log.warning(
            "outbox.lease_lost",
            outbox=self._collection.name,
            generation=generation,
            dropped=dropped,
            unmarked=unmarked,
        )

    async def run(self) -> None:
        """Loop until cancelled. Failures are logged and retried: entries stay pending."""
        try:
            while True:
                published = await self._run_once()
                if published == 0:
                    await self._sleep_until_woken()
        finally:
            await self._release_quietly()

    async def _release_quietly(self) -> None:
        """Hand the lease back at shutdown so another instance takes over at once; if that fails
        (database gone), the lease simply expires."""
        try:
            await asyncio.shield(self._lease.release())
        except Exception:  # best effort: expiry covers it
            log.warning("outbox.lease_not_released")

    async def _run_once(self) -> int:
        try:
            return await self.publish_pending()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if unavailable(error):  # the database is down or slow: said once a second, briefly
                log.warning("outbox.relay_waiting", outbox=self._collection.name, error=repr(error))
            else:
                log.exception("outbox.relay_failed", outbox=self._collection.name)
            await asyncio.sleep(1.0)
            return 0

    async def _sleep_until_woken(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self._options.idle_poll_seconds)
        self._wake.clear()


def _prefixes_pipeline(outbox: str, quotas: Sequence[tuple[str, int]]) -> list[Document]:
    """One aggregation on ``outbox`` returning, key after key, the first ``quota`` pending
    entries of each key by (sequence, _id): one bounded scan of index ``pending_by_key`` each."""

    def prefix(key: str, quota: int) -> list[Document]:
        return [
            {"$match": {"key": key, "published_at": None}},
            {"$sort": {"sequence": ASCENDING, "_id": ASCENDING}},
            {"$limit": quota},
        ]

    (first_key, first_quota), *others = quotas
    unions = [{"$unionWith": {"coll": outbox, "pipeline": prefix(key, quota)}} for key, quota in others]
    return [*prefix(first_key, first_quota), *unions]


def _to_message(entry: Document) -> OutboundMessage:
    return OutboundMessage(
        id=entry["event_id"],
        topic=entry["topic"],
        key=entry["key"],
        value=bytes(entry["value"]),
        headers=dict(entry.get("headers") or {}),
        sequence=int(entry.get("sequence", 0)),
    )


def relay_for(
    collection: AsyncCollection[Document],
    leases: AsyncCollection[Document],
    *,
    publisher: Publisher,
    owner: str,
    settings: RuntimeSettings,
) -> OutboxRelay:
    """The relay of one outbox, with its lease named after the outbox collection."""
    claim = RelayLease(
        leases, outbox=collection.name, owner=owner, duration=timedelta(seconds=settings.relay_lease_seconds)
    )
    options = RelayOptions(
        batch_size=settings.relay_batch_size,
        idle_poll_seconds=settings.relay_idle_poll_seconds,
        delivery_bound_seconds=settings.kafka_delivery_bound_seconds,
    )
    return OutboxRelay(collection, publisher=publisher, lease=claim, options=options)
