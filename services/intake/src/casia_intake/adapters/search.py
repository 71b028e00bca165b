"""CaseFinder over ``cases`` (the workflow's collection): the search and the work queue as
keyset-paged finds, each served by one of the indexes in ``casia_read_models.cases.CASE_INDEXES``.

A query's shape is built by :func:`search_finds` and :func:`queue_finds` (pure, so the index
tests explain exactly what runs). Why each filter has the form it has:

- a status is always sent as ``substatus $in`` (its substatuses, narrowed by a substatus filter):
  MongoDB then reads each substatus's run of an index already in order and merges them
  (SORT_MERGE) instead of sorting in memory;
- the queue runs its two urgency groups (affecting the current period, then not) as two finds,
  each an equality on ``affects_current_period``: resuming inside the urgent group needs "the
  rest of it, then all of the other", which no single set of index bounds can say;
- resuming after a position bounds ``opened_at`` (so deep pages cost what the first one does)
  and refuses the ties already shown with ``$nor``, which MongoDB only ever applies as a filter,
  so it cannot split the plan into an unsorted ``$or``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from casia_contracts.values import Status, Substatus
from casia_intake.service.search import (
    CaseSearch,
    Page,
    Position,
    QueueFilter,
    allowed_substatuses,
    check_limit,
    page_of,
    read_cursor,
)
from casia_read_models import StoredCase
from casia_runtime.mongo import Document

Sort = list[tuple[str, int]]

SEARCH_ORDER: Sort = [("opened_at", -1), ("_id", -1)]
QUEUE_PHASE_ORDER: Sort = [("opened_at", 1), ("_id", 1)]
"""Within one urgency group (``affects_current_period`` is an equality in each find)."""


@dataclass(frozen=True)
class Find:
    """One ``find`` of a page: its filter and its sort (the limit is what the page still needs)."""

    filter: Document
    sort: Sort


def search_finds(criteria: CaseSearch, *, after: Position | None) -> list[Find]:
    """The one find of a search page resuming after ``after`` (or from the newest)."""
    start, end = criteria.window.instants()
    opened: Document = {"$gte": start, "$lt": end}
    query: Document = {
        "authorization.number": criteria.authorization,
        "opened_at": opened,
        "substatus": {"$in": allowed_substatuses(criteria.status, criteria.substatus)},
    }
    optional = {
        "case_type": criteria.case_type,
        "subject": criteria.subject,
        "opened_by.nif": criteria.opened_by,
    }
    query.update({field: value for field, value in optional.items() if value is not None})
    if after is not None:
        opened["$lte"] = after.opened_at
        query["$nor"] = [{"opened_at": after.opened_at, "_id": {"$gte": after.case_number}}]
    return [Find(query, SEARCH_ORDER)]


def queue_finds(criteria: QueueFilter, *, after: Position | None) -> list[Find]:
    """The finds of a queue page resuming after ``after``, one per urgency group still to read,
    in the queue's order (urgent first)."""
    base: Document = {"substatus": {"$in": allowed_substatuses(criteria.status, criteria.substatus)}}
    optional = {"subject": criteria.subject, "assignee.nif": criteria.assignee}
    base.update({field: value for field, value in optional.items() if value is not None})
    groups = [True, False] if criteria.affects_current_period is None else [criteria.affects_current_period]
    if after is not None:  # the groups before the cursor's were read whole
        groups = groups[groups.index(after.affects_current_period) :]
    finds = []
    for urgent in groups:
        query = {**base, "affects_current_period": urgent}
        if after is not None and urgent == after.affects_current_period:
            query["opened_at"] = {"$gte": after.opened_at}
            query["$nor"] = [{"opened_at": after.opened_at, "_id": {"$lte": after.case_number}}]
        finds.append(Find(query, QUEUE_PHASE_ORDER))
    return finds


class MongoCaseFinder:
    """CaseFinder over ``cases``; documents are read as the workflow stored them."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._cases: AsyncCollection[Document] = db[StoredCase.COLLECTION]

    async def search(self, criteria: CaseSearch, *, limit: int, cursor: str | None = None) -> Page:
        check_limit(limit)
        after = read_cursor(criteria, cursor) if cursor is not None else None
        fetched = await self._fetch(search_finds(criteria, after=after), wanted=limit + 1)
        return page_of(criteria, fetched, limit=limit)

    async def queue(self, criteria: QueueFilter, *, limit: int, cursor: str | None = None) -> Page:
        check_limit(limit)
        after = read_cursor(criteria, cursor) if cursor is not None else None
        fetched = await self._fetch(queue_finds(criteria, after=after), wanted=limit + 1)
        return page_of(criteria, fetched, limit=limit)

    async def open_counts(self) -> dict[Substatus, int]:
        # One count per substatus, each a range of the queue's substatus index.
        return {
            substatus: await self._cases.count_documents({"substatus": substatus.value})
            for substatus in Substatus
            if substatus.status is Status.OPEN
        }

    async def _fetch(self, finds: list[Find], *, wanted: int) -> list[StoredCase]:
        """Up to ``wanted`` cases, running the finds in order only while more are needed."""
        found: list[StoredCase] = []
        for find in finds:
            cursor = self._cases.find(find.filter, sort=find.sort, limit=wanted - len(found))
            found.extend([StoredCase.from_document(document) async for document in cursor])
            if len(found) >= wanted:
                break
        return found
