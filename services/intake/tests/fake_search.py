"""A hand-written in-memory CaseFinder (``casia_intake.service.search``), held to the MongoDB
adapter's behaviour by ``tests/contract/test_search_contract.py``.

It matches with the criteria's own ``matches`` and sorts in Python; pages, cursors and their
errors come from the service module, as the adapter's do. Every call yields to the event loop
once, as real I/O does.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from casia_contracts.values import Status, Substatus
from casia_intake.service.search import (
    CaseSearch,
    Page,
    QueueFilter,
    check_limit,
    page_of,
    read_cursor,
)
from casia_read_models import StoredCase


def _newest_first(case: StoredCase) -> tuple[datetime, str]:
    """Sorted in reverse: ``opened_at`` descending, then ``case_number`` descending."""
    return case.opened_at, case.case_number


def _queue_order(case: StoredCase) -> tuple[bool, datetime, str]:
    """Sorted ascending: affecting the current period first, then oldest, then number."""
    return not case.affects_current_period, case.opened_at, case.case_number


class InMemoryCaseFinder:
    """CaseFinder over the cases a test stores with :meth:`add`, as the workflow would."""

    def __init__(self, cases: dict[str, StoredCase] | None = None) -> None:
        """Over ``cases`` when given (shared with an InMemoryCaseReader), else its own."""
        self.cases: dict[str, StoredCase] = {} if cases is None else cases

    def add(self, stored: StoredCase) -> None:
        self.cases[stored.case_number] = stored

    async def search(self, criteria: CaseSearch, *, limit: int, cursor: str | None = None) -> Page:
        await asyncio.sleep(0)
        check_limit(limit)
        ranked = sorted(filter(criteria.matches, self.cases.values()), key=_newest_first, reverse=True)
        if cursor is not None:
            after = read_cursor(criteria, cursor)
            ranked = [case for case in ranked if _newest_first(case) < (after.opened_at, after.case_number)]
        return page_of(criteria, ranked[: limit + 1], limit=limit)

    async def open_counts(self) -> dict[Substatus, int]:
        await asyncio.sleep(0)
        open_ones = [s for s in Substatus if s.status is Status.OPEN]
        return {s: sum(1 for c in self.cases.values() if c.substatus == s) for s in open_ones}

    async def queue(self, criteria: QueueFilter, *, limit: int, cursor: str | None = None) -> Page:
        await asyncio.sleep(0)
        check_limit(limit)
        ranked = sorted(filter(criteria.matches, self.cases.values()), key=_queue_order)
        if cursor is not None:
            after = read_cursor(criteria, cursor)
            key = (not after.affects_current_period, after.opened_at, after.case_number)
            ranked = [case for case in ranked if _queue_order(case) > key]
        return page_of(criteria, ranked[: limit + 1], limit=limit)
