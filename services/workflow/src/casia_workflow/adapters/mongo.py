"""The workflow's collections: ``cases`` (sole writer), its outbox and inbox, relay leases."""

from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from casia_read_models import StoredCase
from casia_runtime.inbox import Inbox, create_inbox_indexes
from casia_runtime.mongo import Document, Session, first_writer_wins
from casia_runtime.outbox import Outbox, create_outbox_indexes
from casia_runtime.ports import ConcurrentChange
from casia_workflow.adapters.case_documents import from_stored, to_stored
from casia_workflow.domain import Case, CaseNumber

OUTBOX = "workflow_outbox"
INBOX = "workflow_inbox"


class CaseStore:
    """The ``cases`` collection. Writes go through a session; ``due_for_closure`` reads outside one."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._cases = db[StoredCase.COLLECTION]

    async def get(self, case_number: str, *, session: Session) -> Case | None:
        found = await self._cases.find_one({"_id": case_number}, session=session)
        return from_stored(StoredCase.from_document(found)) if found else None

    async def add(self, case: Case, *, session: Session) -> None:
        with first_writer_wins(case.number):
            await self._cases.insert_one(to_stored(case).to_document(), session=session)

    async def replace(self, case: Case, *, expected_version: int, session: Session) -> None:
        result = await self._cases.replace_one(
            {"_id": case.number, "version": expected_version}, to_stored(case).to_document(), session=session
        )
        if result.matched_count != 1:
            raise ConcurrentChange(case.number)

    async def due_for_closure(self, *, now: datetime, limit: int) -> list[CaseNumber]:
        """Numbers of cases whose information deadline has passed (the timer's work list).

        Also the :class:`~casia_workflow.service.ports.ClosureDeadlines` port as it stands.
        """
        cursor = self._cases.find(
            {"closure_due_at": {"$lte": now}}, {"_id": 1}, sort=[("closure_due_at", ASCENDING)], limit=limit
        )
        return [CaseNumber(doc["_id"]) async for doc in cursor]


def outbox(db: AsyncDatabase[Document]) -> Outbox:
    return Outbox(db[OUTBOX])


def inbox(db: AsyncDatabase[Document]) -> Inbox:
    return Inbox(db[INBOX])


async def create_indexes(db: AsyncDatabase[Document]) -> None:
    """Idempotent; run at start. Also serves intake's searches (by authorization and date)."""
    await db.cases.create_index(
        [("closure_due_at", ASCENDING)],
        name="closure_due",
        partialFilterExpression={"closure_due_at": {"$type": "date"}},
    )
    await db.cases.create_index(
        [("authorization.number", ASCENDING), ("opened_at", ASCENDING)], name="by_authorization_opened"
    )
    await db.cases.create_index(
        [("status", ASCENDING), ("substatus", ASCENDING), ("opened_at", ASCENDING)], name="work_queue"
    )
    await create_outbox_indexes(db[OUTBOX])
    await create_inbox_indexes(db[INBOX])
