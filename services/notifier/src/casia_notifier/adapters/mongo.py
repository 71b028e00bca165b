"""The notifier's collections: the delivery log (single writer), outbox, inbox; contacts (read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.inbox import Inbox, create_inbox_indexes
from casia_runtime.mongo import Document, Session
from casia_runtime.outbox import Outbox, create_outbox_indexes

OUTBOX = "notifier_outbox"
INBOX = "notifier_inbox"
DELIVERIES = "notifications"


@dataclass(frozen=True, slots=True)
class ContactAddress:
    email: str | None
    consent: bool


class ContactsReader:
    """Reads intake's ``contacts`` at send time, so a changed address or consent applies at once."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._contacts = db.contacts

    async def get(self, authorization_number: str) -> ContactAddress:
        found = await self._contacts.find_one({"_id": authorization_number})
        if found is None:
            return ContactAddress(None, False)
        return ContactAddress(found.get("email"), bool(found.get("consent")))


class DeliveryLog:
    """One row per notice (event and recipient): pending → sent / failed / skipped."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._rows = db[DELIVERIES]

    async def get(self, notice_id: str) -> Document | None:
        return await self._rows.find_one({"_id": notice_id})

    async def begin_attempt(self, notice_id: str, row: dict[str, Any], *, at: datetime) -> int:
        """Count one more sending attempt (creating the row); returns the attempt number."""
        updated = await self._rows.find_one_and_update(
            {"_id": notice_id},
            {
                "$setOnInsert": {**row, "status": "pending", "created_at": at},
                "$inc": {"attempts": 1},
                "$set": {"last_attempt_at": at},
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        if updated is None:  # an upsert returning the new document always finds one
            raise RuntimeError("delivery row missing after upsert")
        return int(updated["attempts"])

    async def finish(self, notice_id: str, row: dict[str, Any], *, at: datetime, session: Session) -> None:
        """Record the outcome (``row`` carries ``status`` and ``reason``) with the notice's data."""
        await self._rows.update_one(
            {"_id": notice_id},
            {"$set": {**row, "finished_at": at}, "$setOnInsert": {"created_at": at, "attempts": 0}},
            upsert=True,
            session=session,
        )


def outbox(db: AsyncDatabase[Document]) -> Outbox:
    return Outbox(db[OUTBOX])


def inbox(db: AsyncDatabase[Document]) -> Inbox:
    return Inbox(db[INBOX])


async def create_indexes(db: AsyncDatabase[Document]) -> None:
    await db[DELIVERIES].create_index([("case_number", 1), ("created_at", 1)], name="by_case")
    await create_outbox_indexes(db[OUTBOX])
    await create_inbox_indexes(db[INBOX])
