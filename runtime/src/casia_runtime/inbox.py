"""Idempotent consumer: the ids of applied messages, written in the same transaction as their effect.

Redelivery of an applied message finds its id here and changes nothing. Offsets are committed to
Kafka only after the transaction, so a crash in between means a redelivery, never a loss.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, timedelta

from pymongo.asynchronous.collection import AsyncCollection

from casia_runtime.mongo import Document, Session

# Far longer than Kafka's retention: a redelivery can never outlive its inbox record.
INBOX_RETENTION = timedelta(days=30)


class Inbox:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def seen(self, message_id: str, *, session: Session | None = None) -> bool:
        """Whether the message was applied: within ``session``, or as committed when None."""
        return await self._collection.find_one({"_id": message_id}, session=session) is not None

    async def seen_among(self, message_ids: Collection[str], *, session: Session | None = None) -> set[str]:
        """Which of ``message_ids`` were applied, as ``session`` sees them or as committed when
        None (one query)."""
        found = self._collection.find({"_id": {"$in": list(message_ids)}}, {"_id": 1}, session=session)
        return {document["_id"] async for document in found}

    async def record(self, message_id: str, *, at: datetime, session: Session) -> None:
        """Record the message as applied; a concurrent duplicate aborts its transaction."""
        await self._collection.insert_one({"_id": message_id, "applied_at": at}, session=session)

    async def record_all(self, applied: Mapping[str, datetime], *, session: Session) -> None:
        """Record each message of ``applied`` as applied when it says (one bulk write)."""
        if applied:
            documents = [{"_id": message_id, "applied_at": at} for message_id, at in applied.items()]
            await self._collection.insert_many(documents, session=session)


async def create_inbox_indexes(collection: AsyncCollection[Document]) -> None:
    await collection.create_index(
        "applied_at", name="inbox_retention", expireAfterSeconds=int(INBOX_RETENTION.total_seconds())
    )
