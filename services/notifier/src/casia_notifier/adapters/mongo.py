"""The notifier's collections: the delivery log (single writer), outbox, inbox; contacts (read)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from casia_notifier.service.ports import (
    Contact,
    DeliveryRow,
    DeliveryStatus,
    Notice,
    Outcome,
)
from casia_runtime.inbox import Inbox, create_inbox_indexes
from casia_runtime.mongo import Document, Session
from casia_runtime.outbox import Outbox, create_outbox_indexes

OUTBOX = "notifier_outbox"
INBOX = "notifier_inbox"
DELIVERIES = "notifications"
CONTACTS = "contacts"
"""Intake's collection: ``_id`` is the authorization number, with ``email`` and ``consent``."""


class ContactsReader:
    """The Contacts port over intake's ``contacts``, read at send time (outside any transaction)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._contacts = db[CONTACTS]

    async def get(self, authorization_number: str) -> Contact:
        found = await self._contacts.find_one({"_id": authorization_number})
        if found is None:
            return Contact(email=None, consent=False)
        return Contact(email=found.get("email"), consent=bool(found.get("consent")))


class DeliveryLog:
    """``notifications``: one row per notice, pending → sent / failed / skipped.

    The DeliveryLog port (attempts, outside any transaction) and, through a session, the
    DeliveryOutcomes port (``finish``).
    """

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._rows = db[DELIVERIES]

    async def get(self, notice_id: str) -> DeliveryRow | None:
        found = await self._rows.find_one({"_id": notice_id})
        return _row(found) if found is not None else None

    async def begin_attempt(self, notice: Notice, *, at: datetime) -> int:
        updated = await self._rows.find_one_and_update(
            {"_id": notice.notice_id},
            {
                "$setOnInsert": {**_fields(notice), "status": DeliveryStatus.PENDING.value, "created_at": at},
                "$inc": {"attempts": 1},
                "$set": {"last_attempt_at": at},
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        if updated is None:  # an upsert returning the new document always finds one
            raise RuntimeError("delivery row missing after upsert")
        return int(updated["attempts"])

    async def finish(self, notice: Notice, outcome: Outcome, *, at: datetime, session: Session) -> None:
        await self._rows.update_one(
            {"_id": notice.notice_id},
            {
                "$set": {
                    **_fields(notice),
                    "status": outcome.status.value,
                    "reason_code": outcome.reason_code,
                    "reason": outcome.reason,
                    "finished_at": at,
                },
                "$setOnInsert": {"created_at": at, "attempts": 0},
            },
            upsert=True,
            session=session,
        )


def _fields(notice: Notice) -> dict[str, Any]:
    return {
        "case_number": notice.case_number,
        "authorization_number": notice.authorization_number,
        "template": notice.template,
        "cause_event_id": notice.cause_event_id,
        "cause_event_type": notice.cause_event_type,
        "recipient": notice.recipient,
    }


def _row(document: Document) -> DeliveryRow:
    notice = Notice(
        notice_id=document["_id"],
        case_number=document["case_number"],
        authorization_number=document["authorization_number"],
        template=document["template"],
        cause_event_id=document["cause_event_id"],
        cause_event_type=document["cause_event_type"],
        recipient=document.get("recipient"),
    )
    return DeliveryRow(
        notice=notice,
        status=DeliveryStatus(document["status"]),
        attempts=int(document.get("attempts", 0)),
        reason_code=document.get("reason_code"),  # absent from rows written before it was kept
        reason=document.get("reason"),
    )


def outbox(db: AsyncDatabase[Document]) -> Outbox:
    return Outbox(db[OUTBOX])


def inbox(db: AsyncDatabase[Document]) -> Inbox:
    return Inbox(db[INBOX])


async def create_indexes(db: AsyncDatabase[Document]) -> None:
    await db[DELIVERIES].create_index([("case_number", 1), ("created_at", 1)], name="by_case")
    await create_outbox_indexes(db[OUTBOX])
    await create_inbox_indexes(db[INBOX])
