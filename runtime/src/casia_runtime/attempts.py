"""How many times each Kafka record has been tried, counted across restarts and crashes.

A consumer counts a delivery *before* handling it, so a try that kills its process (``os._exit``,
the OOM killer, a segfault: no ``except`` clause runs) is counted too, and the N-th delivery of
a record is its N-th try whichever process makes it. Only the record in hand is counted: a
partition's count starts again at 1 with its next offset.
"""

from __future__ import annotations

from typing import Protocol

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.write_concern import WriteConcern

from casia_runtime.messages import InboundMessage
from casia_runtime.mongo import Document


class AttemptLog(Protocol):
    async def count(self, message: InboundMessage) -> int:
        """Record one more try of ``message`` and return how many there have been, this one
        included (1 the first time)."""
        ...


class MongoAttemptLog:
    """One document per (consumer group, topic, partition): ``{offset, attempts}``, updated in
    place by one atomic upsert per record (no document per record, nothing to expire)."""

    def __init__(self, collection: AsyncCollection[Document], *, group: str) -> None:
        # w=1, j=False: the mark is on the path of every message, and a count matters only for a
        # message that keeps failing. A count is lost only if MongoDB itself crashes (or fails
        # over) within the moment before it is journaled; the record then gets one more try.
        self._collection = collection.with_options(write_concern=WriteConcern(w=1, j=False))
        self._group = group

    async def count(self, message: InboundMessage) -> int:
        same_record = {"$eq": ["$offset", message.offset]}
        counted = await self._collection.find_one_and_update(
            {"_id": f"{self._group}/{message.topic}/{message.partition}"},
            [
                {
                    "$set": {
                        "attempts": {"$cond": [same_record, {"$add": ["$attempts", 1]}, 1]},
                        "offset": message.offset,
                        "at": "$$NOW",
                    }
                }
            ],
            projection={"attempts": True},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        if counted is None:  # never with upsert=True and ReturnDocument.AFTER
            raise RuntimeError("the attempt mark returned no document")
        return int(counted["attempts"])


class InProcessAttemptLog:
    """The same counts kept in this process only: what a consumer built without a database gets
    (broker-tier tests with FastStream's TestKafkaBroker); services get :class:`MongoAttemptLog`
    from ``Connections.guard()``. TestKafkaBroker gives every record offset 0, so there the
    records of one partition count as tries of one record: keep ``max_attempts`` above the number
    of records such a test sends."""

    def __init__(self) -> None:
        self._tried: dict[tuple[str, int], tuple[int, int]] = {}

    async def count(self, message: InboundMessage) -> int:
        offset, attempts = self._tried.get((message.topic, message.partition), (-1, 0))
        attempts = attempts + 1 if offset == message.offset else 1
        self._tried[(message.topic, message.partition)] = (message.offset, attempts)
        return attempts
