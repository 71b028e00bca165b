"""The collections intake writes (case numbers, idempotency keys, contacts) and the ones it reads.

Intake is the single writer of ``case_numbers``, ``idempotency_keys`` and ``contacts``; it only
reads ``cases`` (written by workflow).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from casia_intake.domain.case_numbers import format_case_number
from casia_intake.service.ports import Contact, IdempotencyRecord, IdempotencyScope
from casia_read_models import StoredCase, StoredContact
from casia_read_models.base import StoredDocumentModel
from casia_runtime.logging import get_logger
from casia_runtime.mongo import Document
from casia_runtime.outbox import create_outbox_indexes

log = get_logger(__name__)

StoredModelT = TypeVar("StoredModelT", bound=StoredDocumentModel)

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
        self, scope: IdempotencyScope, record: IdempotencyRecord, *, at: datetime
    ) -> IdempotencyRecord:
        """Store the key's record; if a concurrent request won, return its record.

        Raises DuplicateKeyError in the rare case the winner's record expired in between.
        """
        key_id = scope.id
        try:
            await self._keys.insert_one(
                {
                    "_id": key_id,
                    "case_number": record.case_number,
                    "command_id": record.command_id,
                    "request_hash": record.request_hash,
                    "published": False,
                    "created_at": at,
                }
            )
        except DuplicateKeyError:
            found = await self._keys.find_one({"_id": key_id})
            if found is None:  # expired between the two calls: the caller may retry
                raise
            return _record(found)
        return replace(record, published=False)

    async def mark_published(self, scope: IdempotencyScope) -> None:
        await self._keys.update_one({"_id": scope.id}, {"$set": {"published": True}})


def _record(document: dict[str, Any]) -> IdempotencyRecord:
    return IdempotencyRecord(
        case_number=document["case_number"],
        command_id=document["command_id"],
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
    """CaseReader over ``cases`` (workflow's collection), as the shared read model defines it."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._cases = db[StoredCase.COLLECTION]

    async def get(self, case_number: str) -> StoredCase | None:
        found = await self._cases.find_one({"_id": case_number})
        return StoredCase.from_document(found) if found is not None else None


class MongoLookup(Generic[StoredModelT]):
    """Lookup over the collection of a read model, by its key (``_id``)."""

    def __init__(self, db: AsyncDatabase[Document], model: type[StoredModelT]) -> None:
        self._collection = db[model.COLLECTION]
        self._model = model

    async def get(self, key: str) -> StoredModelT | None:
        found = await self._collection.find_one({"_id": key})
        return self._model.from_document(found) if found is not None else None
