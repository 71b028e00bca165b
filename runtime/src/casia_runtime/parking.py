"""Messages that arrived too early (:class:`~casia_runtime.failures.NotYet`), parked in MongoDB
so their partition goes on, until a sweeper handles them (:mod:`casia_runtime.sweeper`).

A parked message is the raw record (topic, partition, offset, key, value) with its schedule:
when it was first parked, when it is due again, how many tries it has had and how many of
those failed other than by NotYet. Several instances of a service may sweep at once: a sweeper
*claims* a due message for a while before handling it, and records the outcome only while its
claim stands, so two instances do not handle it together (and if they ever do, for a claim
that ran out mid-handling, the handlers' inbox makes the second application change nothing).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from casia_runtime.messages import InboundMessage
from casia_runtime.mongo import Document

UNCLAIMED = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Parked:
    """One parked message as a sweeper claimed it."""

    message: InboundMessage
    parked_at: datetime
    tries: int
    """Tries made before this claim: the consumer's first one, each recorded outcome since, and
    each claim abandoned without an outcome (its sweeper stopped while handling it)."""
    failures: int
    """Of those tries, the ones that failed other than by NotYet (abandoned claims included)."""
    claim: str


class ParkingLot(Protocol):
    async def prepare(self) -> None:
        """Create what the lot needs (indexes); idempotent."""
        ...

    async def park(self, message: InboundMessage, *, at: datetime, due_at: datetime, error: str) -> None:
        """Keep ``message`` until ``due_at`` (its first try, which ended in ``error``, was ``at``).
        Idempotent: parking a record already parked changes nothing."""
        ...

    async def claim(self, *, at: datetime, hold: timedelta) -> Parked | None:
        """Claim the parked message due first (due and unclaimed, or claimed until before
        ``at``) for ``hold``; None when none is due. A claim that ran out without an outcome
        counts as a failed try."""
        ...

    async def repark(self, parked: Parked, *, due_at: datetime, error: str, failed: bool) -> None:
        """Record one more try that ended in ``error`` (``failed``: other than NotYet) and keep
        the message until ``due_at``, unclaimed. Does nothing if ``parked``'s claim was lost."""
        ...

    async def remove(self, parked: Parked) -> None:
        """Forget the message (handled or dead-lettered). Does nothing if the claim was lost."""
        ...


def parking_id(group: str, message: InboundMessage) -> str:
    return f"{group}/{message.topic}/{message.partition}/{message.offset}"


class MongoParkingLot:
    """The parked messages of consumer group ``group``, one document per record."""

    def __init__(self, collection: AsyncCollection[Document], *, group: str) -> None:
        self._collection = collection
        self._group = group

    async def prepare(self) -> None:
        await self._collection.create_index([("group", ASCENDING), ("due_at", ASCENDING)], name="due")

    async def park(self, message: InboundMessage, *, at: datetime, due_at: datetime, error: str) -> None:
        parked = {
            "group": self._group,
            "topic": message.topic,
            "partition": message.partition,
            "offset": message.offset,
            "key": message.key,
            "value": message.value,
            "headers": message.headers,
            "parked_at": at,
            "due_at": due_at,
            "tries": 1,
            "failures": 0,
            "last_error": error,
            "claimed_until": UNCLAIMED,
            "claim": None,
        }
        await self._collection.update_one(
            {"_id": parking_id(self._group, message)}, {"$setOnInsert": parked}, upsert=True
        )

    async def claim(self, *, at: datetime, hold: timedelta) -> Parked | None:
        claim = uuid.uuid4().hex
        abandoned = {"$cond": [{"$eq": ["$claim", None]}, 0, 1]}  # the previous claim left no outcome
        claimed = await self._collection.find_one_and_update(
            {"group": self._group, "due_at": {"$lte": at}, "claimed_until": {"$lte": at}},
            [
                {
                    "$set": {
                        "tries": {"$add": ["$tries", abandoned]},
                        "failures": {"$add": ["$failures", abandoned]},
                        "claimed_until": at + hold,
                        "claim": claim,
                    }
                }
            ],
            sort=[("due_at", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )
        if claimed is None:
            return None
        return Parked(_message(claimed), claimed["parked_at"], claimed["tries"], claimed["failures"], claim)

    async def repark(self, parked: Parked, *, due_at: datetime, error: str, failed: bool) -> None:
        await self._collection.update_one(
            {"_id": parking_id(self._group, parked.message), "claim": parked.claim},
            {
                "$set": {"due_at": due_at, "last_error": error, "claimed_until": UNCLAIMED, "claim": None},
                "$inc": {"tries": 1, "failures": int(failed)},
            },
        )

    async def remove(self, parked: Parked) -> None:
        await self._collection.delete_one(
            {"_id": parking_id(self._group, parked.message), "claim": parked.claim}
        )


def _message(parked: Document) -> InboundMessage:
    return InboundMessage(
        topic=parked["topic"],
        partition=parked["partition"],
        offset=parked["offset"],
        key=parked["key"],
        value=bytes(parked["value"]),
        headers=dict(parked.get("headers") or {}),
    )


@dataclass(frozen=True, slots=True)
class _Slot:
    parked: Parked
    due_at: datetime
    claimed_until: datetime
    claimed: bool


class InProcessParkingLot:
    """The same lot kept in this process only: what a consumer built without a database gets
    (broker-tier tests); services get :class:`MongoParkingLot` from ``Connections.guard()``."""

    def __init__(self) -> None:
        self._slots: dict[tuple[str, int, int], _Slot] = {}

    async def prepare(self) -> None:
        return None

    async def park(self, message: InboundMessage, *, at: datetime, due_at: datetime, error: str) -> None:
        parked = Parked(message, parked_at=at, tries=1, failures=0, claim="")
        self._slots.setdefault(_record(message), _Slot(parked, due_at, UNCLAIMED, claimed=False))

    async def claim(self, *, at: datetime, hold: timedelta) -> Parked | None:
        due = [slot for slot in self._slots.values() if slot.due_at <= at and slot.claimed_until <= at]
        if not due:
            return None
        slot = min(due, key=lambda candidate: candidate.due_at)
        abandoned = int(slot.claimed)
        parked = replace(
            slot.parked,
            tries=slot.parked.tries + abandoned,
            failures=slot.parked.failures + abandoned,
            claim=uuid.uuid4().hex,
        )
        self._slots[_record(parked.message)] = _Slot(parked, slot.due_at, at + hold, claimed=True)
        return parked

    async def repark(self, parked: Parked, *, due_at: datetime, error: str, failed: bool) -> None:
        if self._holds(parked):
            after = replace(parked, tries=parked.tries + 1, failures=parked.failures + int(failed), claim="")
            self._slots[_record(parked.message)] = _Slot(after, due_at, UNCLAIMED, claimed=False)

    async def remove(self, parked: Parked) -> None:
        if self._holds(parked):
            del self._slots[_record(parked.message)]

    def _holds(self, parked: Parked) -> bool:
        slot = self._slots.get(_record(parked.message))
        return slot is not None and slot.claimed and slot.parked.claim == parked.claim


def _record(message: InboundMessage) -> tuple[str, int, int]:
    return (message.topic, message.partition, message.offset)
