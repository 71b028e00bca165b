"""The collections intake writes (case numbers, idempotency keys, contacts) and the ones it reads.

Intake is the single writer of ``case_numbers``, ``idempotency_keys`` and ``contacts``; it only
reads ``cases`` (written by workflow).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from casia_intake.domain.case_numbers import format_case_number
from casia_intake.service.ports import Contact, IdempotencyRecord, IdempotencyScope
from casia_read_models import StoredCase, StoredContact
from casia_runtime.logging import get_logger
from casia_runtime.mongo import Document, unavailable
from casia_runtime.outbox import create_outbox_indexes

log = get_logger(__name__)

IDEMPOTENCY_RETENTION = timedelta(days=7)
OUTBOX = "intake_outbox"
"""Commands Kafka did not acknowledge in time, relayed until it does (see adapters.commands)."""


async def create_indexes(db: AsyncDatabase[Document]) -> None:
    await db.idempotency_keys.create_index(
        "created_at",
        name="idempotency_retention",
        expireAfterSeconds=int(IDEMPOTENCY_RETENTION.total_seconds()),
    )
    await create_outbox_indexes(db[OUTBOX])


class MongoCaseNumbers:
    """CaseNumbers: one counter document per year in ``case_numbers``, incremented atomically."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._counters = db.case_numbers

    async def allocate(self, *, year: int) -> str:
        counter = await self._counters.find_one_and_update(
            {"_id": f"year:{year}"},
            {"$inc": {"last": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        if counter is None:  # an upsert returning the new document always finds one
            raise RuntimeError("case number counter missing after upsert")
        return format_case_number(year, int(counter["last"]))


class MongoIdempotencyKeys:
    """IdempotencyKeys: one document per scope in ``idempotency_keys``, removed a week after its
    creation by a TTL index; a claim race is settled by the unique ``_id``."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._keys = db.idempotency_keys

    async def find(self, scope: IdempotencyScope) -> IdempotencyRecord | None:
        found = await self._keys.find_one({"_id": scope.id})
        return _record(found) if found else None

    async def claim(
        self, scope: IdempotencyScope, *, case_number: str, request_hash: str, at: datetime
    ) -> IdempotencyRecord:
        """Store the key for this case; if a concurrent request won, return its record.

        Raises DuplicateKeyError in the rare case the winner's record expired in between.
        """
        key_id = scope.id
        try:
            await self._keys.insert_one(
                {
                    "_id": key_id,
                    "case_number": case_number,
                    "request_hash": request_hash,
                    "published": False,
                    "created_at": at,
                }
            )
        except DuplicateKeyError:
            found = await self._keys.find_one({"_id": key_id})
            if found is None:  # expired between the two calls: the caller may retry
                raise
            return _record(found)
        return IdempotencyRecord(case_number=case_number, request_hash=request_hash, published=False)

    async def mark_published(self, scope: IdempotencyScope) -> None:
        await self._keys.update_one({"_id": scope.id}, {"$set": {"published": True}})


def _record(document: dict[str, Any]) -> IdempotencyRecord:
    return IdempotencyRecord(
        case_number=document["case_number"],
        request_hash=document["request_hash"],
        published=bool(document.get("published")),
    )


class MongoContacts:
    """ContactStore: one document per authorization in ``contacts`` (read by notifier at send time)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._contacts = db[StoredContact.COLLECTION]

    async def get(self, authorization_number: str) -> Contact:
        found = await self._contacts.find_one({"_id": authorization_number})
        if found is None:
            return Contact.empty(authorization_number)
        stored = StoredContact.from_document(found)
        return Contact(
            authorization_number, stored.email, stored.consent, stored.updated_at, stored.updated_by
        )

    async def put(self, contact: Contact) -> None:
        stored = StoredContact(
            authorization_number=contact.authorization_number,
            email=contact.email,
            consent=contact.consent,
            updated_at=contact.updated_at,
            updated_by=contact.updated_by,
        )
        await self._contacts.replace_one(
            {"_id": contact.authorization_number}, stored.to_document(), upsert=True
        )


class MongoCaseReader:
    """CaseReader over ``cases`` (workflow's collection): documents as workflow stores them.

    ``watching`` is the same database through the client for change streams (whose operations
    are not bounded like the others'); by default ``db`` itself.

    Waiting for a new case listens to one change stream of inserts per process (:meth:`watch`,
    run in the background) instead of polling: the request is answered as soon as the case is
    stored, and the database is asked once per request instead of every few milliseconds.
    """

    def __init__(
        self, db: AsyncDatabase[Document], *, watching: AsyncDatabase[Document] | None = None
    ) -> None:
        self._cases = db[StoredCase.COLLECTION]
        self._watched = (watching if watching is not None else db)[StoredCase.COLLECTION]
        self._waiting: dict[str, list[asyncio.Future[StoredCase]]] = {}

    async def get(self, case_number: str) -> StoredCase | None:
        found = await self._cases.find_one({"_id": case_number})
        return StoredCase.from_document(found) if found is not None else None

    async def wait_for(self, case_number: str, *, within: float) -> StoredCase | None:
        arrival: asyncio.Future[StoredCase] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(case_number, []).append(arrival)
        try:
            # Registered before reading: an insert after this read is seen by the stream.
            stored = await self._read_if_possible(case_number)
            if stored is not None or within <= 0:
                return stored
            with contextlib.suppress(TimeoutError):
                return await asyncio.wait_for(arrival, timeout=within)
            return await self._read_if_possible(case_number)  # the stream may have been reconnecting
        finally:
            self._forget(case_number, arrival)

    async def _read_if_possible(self, case_number: str) -> StoredCase | None:
        """The case, or None when the database cannot answer: the command is already on its way,
        so a failed read must not turn its answer into a failure."""
        try:
            return await self.get(case_number)
        except PyMongoError as error:
            if not unavailable(error):
                raise
            log.warning("case.read_failed_while_waiting", case_number=case_number, error=repr(error))
            return None

    async def watch(self) -> None:
        """Resolve the waiters of every case inserted from now on; runs until cancelled."""
        inserts = [{"$match": {"operationType": "insert"}}]
        async with await self._watched.watch(inserts) as stream:
            async for change in stream:
                for arrival in self._waiting.get(change["documentKey"]["_id"], []):
                    if not arrival.done():
                        arrival.set_result(StoredCase.from_document(change["fullDocument"]))

    def _forget(self, case_number: str, arrival: asyncio.Future[StoredCase]) -> None:
        waiting = self._waiting.get(case_number, [])
        if arrival in waiting:
            waiting.remove(arrival)
        if not waiting:
            self._waiting.pop(case_number, None)
