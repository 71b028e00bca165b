"""The notifier's collections: the delivery log (single writer), outbox, inbox; contacts (read)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError
from pymongo.read_concern import ReadConcern

from casia_notifier.service.ports import (
    Contact,
    DeliveryRow,
    DeliveryStatus,
    Notice,
    Outcome,
)
from casia_read_models import StoredContact
from casia_runtime.inbox import Inbox, create_inbox_indexes
from casia_runtime.mongo import DUPLICATE_KEY, Document, Session
from casia_runtime.outbox import Outbox, create_outbox_indexes

OUTBOX = "notifier_outbox"
INBOX = "notifier_inbox"
DELIVERIES = "notifications"


class ContactsReader:
    """The Contacts port over intake's ``contacts``, read at send time (outside any transaction)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._contacts = db[StoredContact.COLLECTION]

    async def get(self, authorization_number: str) -> Contact:
        return (await self.get_all([authorization_number]))[authorization_number]

    async def get_all(self, authorization_numbers: Collection[str]) -> dict[str, Contact]:
        wanted = list(authorization_numbers)
        found = {
            document["_id"]: StoredContact.from_document(document)
            async for document in self._contacts.find({"_id": {"$in": wanted}})
        }
        return {
            number: Contact(email=stored.email, consent=stored.consent)
            if (stored := found.get(number)) is not None
            else Contact(email=None, consent=False)
            for number in wanted
        }


class DeliveryLog:
    """``notifications``: one row per notice, pending (claimed, maybe marked ``sent_at``) → sent /
    failed / skipped.

    The DeliveryLog port (claims and marks, outside any transaction) and, through a session, the
    DeliveryOutcomes port (``finish``).
    """

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._rows = db[DELIVERIES]
        # What the primary holds now, even if not yet majority-committed: after a claim lost to
        # another writer, the row that writer just wrote.
        self._latest = self._rows.with_options(read_concern=ReadConcern("local"))

    async def get(self, notice_id: str) -> DeliveryRow | None:
        found = await self._rows.find_one({"_id": notice_id})
        return _row(found) if found is not None else None

    async def claim(self, notice: Notice, *, owner: str, at: datetime, until: datetime) -> DeliveryRow:
        free, claiming = _claim(notice, owner=owner, at=at, until=until)
        try:
            # One atomic write: the filter is the claim's condition. A row that exists but is not
            # free makes the upsert insert a second _id, which the unique index refuses.
            claimed = await self._rows.find_one_and_update(
                free, claiming, upsert=True, return_document=ReturnDocument.AFTER
            )
        except DuplicateKeyError:  # held by another live claim, marked sent, or finished
            claimed = await self._latest.find_one({"_id": notice.notice_id})
        if claimed is None:  # an upsert returns its document; a refused one left the row there
            raise RuntimeError("delivery row missing after a claim")
        return _row(claimed)

    async def claim_all(
        self, notices: Sequence[Notice], *, owner: str, at: datetime, until: datetime
    ) -> list[DeliveryRow]:
        claims = [
            UpdateOne(*_claim(notice, owner=owner, at=at, until=until), upsert=True) for notice in notices
        ]
        try:
            await self._rows.bulk_write(claims, ordered=False)
        except BulkWriteError as error:  # a notice not free refuses its upsert, as in `claim`
            codes = {failure.get("code") for failure in error.details.get("writeErrors", [])}
            if codes != {DUPLICATE_KEY} or error.details.get("writeConcernErrors"):
                raise
        ids = [notice.notice_id for notice in notices]
        found = {document["_id"]: document async for document in self._latest.find({"_id": {"$in": ids}})}
        if len(found) != len(ids):
            raise RuntimeError("delivery rows missing after a claim")
        return [_row(found[notice_id]) for notice_id in ids]

    async def mark_sent(self, notice_id: str, *, owner: str, at: datetime) -> bool:
        marked = await self._rows.update_one(
            {"_id": notice_id, "claimed_by": owner, "status": DeliveryStatus.PENDING.value, "sent_at": None},
            {"$set": {"sent_at": at}},
        )
        return marked.matched_count == 1

    async def finish(self, notice: Notice, outcome: Outcome, *, at: datetime, session: Session) -> None:
        await self.finish_all([(notice, outcome)], at=at, session=session)

    async def finish_all(
        self, ended: Sequence[tuple[Notice, Outcome]], *, at: datetime, session: Session
    ) -> None:
        finishing = [
            UpdateOne(
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
            )
            for notice, outcome in ended
        ]
        if finishing:
            await self._rows.bulk_write(finishing, ordered=False, session=session)


def _claim(notice: Notice, *, owner: str, at: datetime, until: datetime) -> tuple[Document, Document]:
    """The filter of a free notice (no row; pending, not marked, its claim ``owner``'s own, absent
    or lapsed) and the write that claims it for ``owner`` and counts the attempt."""
    free = {
        "_id": notice.notice_id,
        "status": DeliveryStatus.PENDING.value,
        "sent_at": None,
        "$or": [{"claimed_by": owner}, {"claimed_by": None}, {"claimed_until": {"$lte": at}}],
    }
    claiming = {
        "$set": {**_fields(notice), "claimed_by": owner, "claimed_until": until, "last_attempt_at": at},
        "$inc": {"attempts": 1},
        "$setOnInsert": {"created_at": at},
    }
    return free, claiming


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
        claimed_by=document.get("claimed_by"),  # absent from rows written before claims
        claimed_until=document.get("claimed_until"),
        sent_at=document.get("sent_at"),
    )


def outbox(db: AsyncDatabase[Document]) -> Outbox:
    return Outbox(db[OUTBOX])


def inbox(db: AsyncDatabase[Document]) -> Inbox:
    return Inbox(db[INBOX])


async def create_indexes(db: AsyncDatabase[Document]) -> None:
    await db[DELIVERIES].create_index([("case_number", 1), ("created_at", 1)], name="by_case")
    await create_outbox_indexes(db[OUTBOX])
    await create_inbox_indexes(db[INBOX])
