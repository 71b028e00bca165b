"""The workflow's collections: ``cases`` (sole writer), its outbox and inbox, relay leases."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta

from pymongo import ASCENDING, IndexModel, ReplaceOne
from pymongo.asynchronous.database import AsyncDatabase

from casia_read_models import StoredCase, StoredCommandOutcome
from casia_read_models.cases import CASE_INDEXES, OBSOLETE_CASE_INDEXES
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

    async def get_all(self, case_numbers: Collection[str], *, session: Session) -> dict[CaseNumber, Case]:
        """The stored cases among ``case_numbers``, by number (one query)."""
        found = self._cases.find({"_id": {"$in": list(case_numbers)}}, session=session)
        return {CaseNumber(doc["_id"]): from_stored(StoredCase.from_document(doc)) async for doc in found}

    async def add(self, case: Case, *, session: Session) -> None:
        await self.add_all([case], session=session)

    async def add_all(self, cases: Sequence[Case], *, session: Session) -> None:
        """Store new cases (one bulk write); ConcurrentChange if a number is already stored."""
        if not cases:
            return
        with first_writer_wins(", ".join(case.number for case in cases)):
            await self._cases.insert_many([to_stored(case).to_document() for case in cases], session=session)

    async def replace(self, case: Case, *, expected_version: int, session: Session) -> None:
        await self.replace_all({expected_version: case}.items(), session=session)

    async def replace_all(self, replacements: Iterable[tuple[int, Case]], *, session: Session) -> None:
        """Store each case over the stored one with its number, which must still be at the
        expected version given with it (one bulk write); ConcurrentChange otherwise."""
        pairs = list(replacements)
        if not pairs:
            return
        writes = [
            ReplaceOne({"_id": case.number, "version": expected}, to_stored(case).to_document())
            for expected, case in pairs
        ]
        result = await self._cases.bulk_write(writes, ordered=True, session=session)
        if result.matched_count != len(writes):
            raise ConcurrentChange(", ".join(case.number for _, case in pairs))

    async def due_for_closure(self, *, now: datetime, limit: int) -> list[CaseNumber]:
        """Numbers of cases whose information deadline has passed (the timer's work list).

        Also the :class:`~casia_workflow.service.ports.ClosureDeadlines` port as it stands.
        """
        cursor = self._cases.find(
            due_for_closure_filter(now), {"_id": 1}, sort=[("closure_due_at", ASCENDING)], limit=limit
        )
        return [CaseNumber(doc["_id"]) async for doc in cursor]


def due_for_closure_filter(now: datetime) -> Document:
    """Cases whose closure is due at ``now``; the ``$type`` implies the partial filter of the
    ``closure_due`` index, without which MongoDB may not use it."""
    return {"closure_due_at": {"$type": "date", "$lte": now}}


class OutcomeStore:
    """``command_outcomes`` (the workflow writes, intake reads), kept a week: as long as an
    Idempotency-Key, so a repeated request still finds what became of its command."""

    RETENTION = timedelta(days=7)

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._outcomes = db[StoredCommandOutcome.COLLECTION]

    async def record(self, outcome: StoredCommandOutcome, *, session: Session) -> None:
        await self.record_all([outcome], session=session)

    async def record_all(self, outcomes: Sequence[StoredCommandOutcome], *, session: Session) -> None:
        """Record outcomes (one bulk write); ConcurrentChange if one was already recorded."""
        if not outcomes:
            return
        with first_writer_wins(", ".join(outcome.command_id for outcome in outcomes)):
            await self._outcomes.insert_many([outcome.to_document() for outcome in outcomes], session=session)


async def create_case_indexes(db: AsyncDatabase[Document]) -> None:
    """Exactly :data:`~casia_read_models.cases.CASE_INDEXES` on ``cases`` (the closure timer's,
    intake's search and the clerks' work queue), in one command, so a build scans the collection
    once; drops the indexes they replaced. Idempotent."""
    cases = db[StoredCase.COLLECTION]
    present = {index["name"] async for index in await cases.list_indexes()}
    for name in OBSOLETE_CASE_INDEXES:
        if name in present:  # replaced: keeping it would cost every write for nothing
            await cases.drop_index(name)
    await cases.create_indexes(
        [IndexModel(list(spec.keys), name=spec.name, **spec.options) for spec in CASE_INDEXES]
    )


def outbox(db: AsyncDatabase[Document]) -> Outbox:
    return Outbox(db[OUTBOX])


def inbox(db: AsyncDatabase[Document]) -> Inbox:
    return Inbox(db[INBOX])


async def create_indexes(db: AsyncDatabase[Document]) -> None:
    """Idempotent; run at start."""
    await create_case_indexes(db)
    await create_outbox_indexes(db[OUTBOX])
    await create_inbox_indexes(db[INBOX])
    await db[StoredCommandOutcome.COLLECTION].create_index(
        "at", name="outcome_retention", expireAfterSeconds=int(OutcomeStore.RETENTION.total_seconds())
    )
