"""Transactional outbox, the writer's side: events are stored with the state change, in the same
transaction, for the relay (:mod:`casia_runtime.relay`) to publish to Kafka.

A writer calls :meth:`Outbox.add` inside the same transaction as its state change; each entry
keeps its key and its ``sequence``, which fix the order the relay publishes a key's entries in.
Published entries are kept a week (a TTL index), then dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import Document, Session

PUBLISHED_RETENTION = timedelta(days=7)


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
    """The relay's indexes: pending entries in insertion order (which keys go next), and each
    key's pending entries by sequence (what of theirs may go)."""
    await collection.create_index([("published_at", ASCENDING), ("_id", ASCENDING)], name="pending_in_order")
    await collection.create_index(
        [("key", ASCENDING), ("published_at", ASCENDING), ("sequence", ASCENDING), ("_id", ASCENDING)],
        name="pending_by_key",
    )
    await collection.create_index(
        "published_at",
        name="published_retention",
        expireAfterSeconds=int(PUBLISHED_RETENTION.total_seconds()),
        partialFilterExpression={"published_at": {"$type": "date"}},
    )
