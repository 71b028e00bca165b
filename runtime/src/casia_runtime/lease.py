"""The outbox relay's lease: one relay at a time per outbox, fenced by a generation.

The lease is one document in ``relay_leases`` per outbox: ``{_id: outbox, owner, until,
generation}``. ``generation`` grows by one on every take-over (never on a renewal by the holder
that already has it) and the document is never deleted, so a generation is never handed out
twice. A relay remembers the generation it holds; what it writes under the lease
(:meth:`RelayLease.confirm`) is conditioned on the document still showing its owner and that
generation, so a relay that stalled past its lease and lost it cannot mark anything.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from casia_runtime.mongo import Document, Session

EXPIRED = datetime(1970, 1, 1, tzinfo=UTC)
"""``until`` of a released lease: expired whatever the clock of the relay that looks at it."""


class RelayLease:
    """A time-bounded claim that one relay instance holds for one outbox, with its fencing token.

    ``owner`` must be unique per relay instance (host and PID); the lease collection must live
    on the same MongoDB client as the outbox, so :meth:`confirm` can join the outbox's
    transaction.
    """

    def __init__(
        self, collection: AsyncCollection[Document], *, outbox: str, owner: str, duration: timedelta
    ) -> None:
        self._collection = collection
        self._outbox = outbox
        self._owner = owner
        self.duration = duration
        self._held_until: datetime | None = None
        self.generation: int | None = None
        """The generation this relay holds, None when it holds none."""

    async def acquire(self, now: datetime, *, need: timedelta = timedelta(0)) -> bool:
        """Hold the lease with at least ``need`` left (by the local clock); False when another
        live owner holds it.

        A held lease is renewed (one write) only once half of it has run or less than ``need``
        is left, to spare the database a write on every idle poll. Taking the lease over from
        another owner, or back after losing or releasing it, starts a new generation.
        """
        if self._held_until is not None and self._held_until - now >= max(self.duration / 2, need):
            return True
        # Not fresh any more; the generation is kept until the answer says otherwise (after a
        # lost answer this relay may well still hold it, and confirm() checks in the database).
        held, self._held_until = self.generation, None
        try:
            lease = await self._collection.find_one_and_update(
                {
                    "_id": self._outbox,
                    "$or": [{"owner": self._owner, "generation": held}, {"until": {"$lt": now}}],
                },
                [{"$set": self._renewal(held, now)}],
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:  # the document exists and another owner holds a live lease
            lease = None
        if lease is None:  # (None only through DuplicateKeyError: upsert=True)
            self.forget()
            return False
        self._held_until, self.generation = now + self.duration, int(lease["generation"])
        return True

    def _renewal(self, held: int | None, now: datetime) -> Document:
        """The lease document's new fields: the same generation for its holder, the next one for
        anybody else (an expired lease of another owner, or ours after we lost track of it)."""
        ours = {"$and": [{"$eq": ["$owner", self._owner]}, {"$eq": ["$generation", held]}]}
        next_generation = {"$add": [{"$ifNull": ["$generation", 0]}, 1]}
        return {
            "owner": self._owner,
            "until": now + self.duration,
            "generation": {"$cond": [ours, "$generation", next_generation]},
        }

    def left(self, now: datetime) -> timedelta:
        """How long the lease still runs by the local clock; zero when not held."""
        if self._held_until is None:
            return timedelta(0)
        return max(self._held_until - now, timedelta(0))

    async def confirm(self, session: Session) -> bool:
        """Within ``session``'s transaction: whether this relay still holds its generation.

        It writes to the lease document, so a take-over committed meanwhile makes the
        transaction conflict (and re-run, then see it) instead of both succeeding.
        """
        if self.generation is None:
            return False
        result = await self._collection.update_one(
            {"_id": self._outbox, "owner": self._owner, "generation": self.generation},
            {"$inc": {"marked_batches": 1}},
            session=session,
        )
        return result.matched_count == 1

    def forget(self) -> None:
        """Drop what this relay believes it holds (after finding the lease lost)."""
        self._held_until, self.generation = None, None

    async def release(self) -> None:
        """Hand the lease back (expire it) so another relay takes over at once; the document
        and its generation stay, so the next holder gets a new generation."""
        held = self.generation
        self.forget()
        if held is not None:
            await self._collection.update_one(
                {"_id": self._outbox, "owner": self._owner, "generation": held}, {"$set": {"until": EXPIRED}}
            )
