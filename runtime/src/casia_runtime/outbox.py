"""Transactional outbox: events are stored with the state change, then relayed to Kafka.

A writer calls :meth:`Outbox.add` inside the same transaction as its state change. The
:class:`OutboxRelay` publishes pending entries in insertion order (acks=all) and marks them
published. A crash between publishing and marking re-publishes the same CloudEvent ids, which
consumers deduplicate; nothing committed is ever lost.

Several instances may run the relay: a lease in ``relay_leases`` lets one publish at a time,
which keeps the per-case order that insertion order gives.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from casia_runtime.logging import get_logger
from casia_runtime.messages import OutboundMessage
from casia_runtime.metrics import OUTBOX_PUBLISHED
from casia_runtime.mongo import Document, Session
from casia_runtime.settings import RuntimeSettings

log = get_logger(__name__)

PUBLISHED_RETENTION = timedelta(days=7)


class Publisher(Protocol):
    async def publish_all(self, messages: Sequence[OutboundMessage]) -> None:
        """Publish in order and return once every message is acknowledged; raise otherwise."""


class Outbox:
    """The writer's side: append messages within the caller's transaction."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def add(self, messages: Sequence[OutboundMessage], *, session: Session | None) -> None:
        """Append ``messages``: within the caller's transaction (``session``), or on their own
        (``None``) for a writer whose state change is already durable elsewhere."""
        if not messages:
            return
        await self._collection.insert_many(
            [
                {
                    "_id": ObjectId(),
                    "event_id": message.id,
                    "topic": message.topic,
                    "key": message.key,
                    "value": message.value,
                    "headers": message.headers,
                    "sequence": message.sequence,
                    "published_at": None,
                }
                for message in messages
            ],
            ordered=True,
            session=session,
        )


async def create_outbox_indexes(collection: AsyncCollection[Document]) -> None:
    await collection.create_index([("published_at", ASCENDING), ("_id", ASCENDING)], name="pending_in_order")
    await collection.create_index(
        "published_at",
        name="published_retention",
        expireAfterSeconds=int(PUBLISHED_RETENTION.total_seconds()),
        partialFilterExpression={"published_at": {"$type": "date"}},
    )


class RelayLease:
    """A time-bounded claim that one relay instance holds for one outbox."""

    def __init__(
        self, collection: AsyncCollection[Document], *, outbox: str, owner: str, duration: timedelta
    ) -> None:
        self._collection = collection
        self._outbox = outbox
        self._owner = owner
        self._duration = duration
        self._held_until: datetime | None = None

    async def acquire(self, now: datetime) -> bool:
        """Take or renew the lease; False when another live owner holds it.

        A held lease is renewed only once half of it has run, to spare the database a write
        on every idle poll.
        """
        if self._held_until is not None and now < self._held_until - self._duration / 2:
            return True
        self._held_until = None
        try:
            result = await self._collection.update_one(
                {"_id": self._outbox, "$or": [{"owner": self._owner}, {"until": {"$lt": now}}]},
                {"$set": {"owner": self._owner, "until": now + self._duration}},
                upsert=True,
            )
        except DuplicateKeyError:  # another owner holds a live lease
            return False
        if result.matched_count == 1 or result.upserted_id is not None:
            self._held_until = now + self._duration
            return True
        return False

    async def release(self) -> None:
        self._held_until = None
        await self._collection.delete_one({"_id": self._outbox, "owner": self._owner})


class OutboxRelay:
    """Publishes pending outbox entries; woken by local writers, polling as a fallback."""

    def __init__(
        self,
        collection: AsyncCollection[Document],
        *,
        publisher: Publisher,
        lease: RelayLease,
        batch_size: int = 200,
        idle_poll_seconds: float = 0.2,
    ) -> None:
        self._collection = collection
        self._publisher = publisher
        self._lease = lease
        self._batch_size = batch_size
        self._idle_poll = idle_poll_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Tell the relay that new entries were committed (saves a polling delay)."""
        self._wake.set()

    async def publish_pending(self) -> int:
        """Publish one batch in insertion order; return how many were published."""
        pending = await self._collection.find(
            {"published_at": None}, sort=[("_id", ASCENDING)], limit=self._batch_size
        ).to_list()
        if not pending:
            return 0
        await self._publisher.publish_all([_to_message(entry) for entry in in_key_order(pending)])
        await self._collection.update_many(
            {"_id": {"$in": [entry["_id"] for entry in pending]}},
            {"$set": {"published_at": datetime.now(UTC)}},
        )
        OUTBOX_PUBLISHED.inc(len(pending))
        return len(pending)

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
            if not await self._lease.acquire(datetime.now(UTC)):
                return 0
            return await self.publish_pending()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("outbox.relay_failed")
            await asyncio.sleep(1.0)
            return 0

    async def _sleep_until_woken(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self._idle_poll)
        self._wake.clear()


def in_key_order(entries: Sequence[Document]) -> list[Document]:
    """Entries in insertion order, except that each key's entries follow their ``sequence``.

    Insertion order comes from the writers' clocks (ObjectId); two instances on hosts with skewed
    clocks could otherwise publish a later change of a case before an earlier one. A key's entries
    take the place of its first one; ties keep insertion order (the sort is stable).
    """
    first: dict[str, int] = {}
    for position, entry in enumerate(entries):
        first.setdefault(entry["key"], position)
    return sorted(entries, key=lambda entry: (first[entry["key"]], entry.get("sequence", 0)))


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
    return OutboxRelay(
        collection,
        publisher=publisher,
        lease=claim,
        batch_size=settings.relay_batch_size,
        idle_poll_seconds=settings.relay_idle_poll_seconds,
    )
