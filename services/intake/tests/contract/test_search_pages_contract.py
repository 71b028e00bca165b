"""The CaseFinder contract, continued: pages and cursors, held against the in-memory fake and
the MongoDB adapter alike (what matches and in which order: ``test_search_contract.py``)."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from casia_intake.domain.calendar import MonthWindow
from casia_intake.service.search import MAX_LIMIT, CaseSearch, InvalidCursor, Page, QueueFilter, StatusFilter

from ..search_support import (
    CLERK,
    IN_FEBRUARY,
    OTHER_AUTHORIZATION,
    Backend,
    Query,
    Traits,
    cases_of,
    every_page,
    newest_first,
    queue_order,
    search,
    tied_cases,
)

# --- Pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 6, 22, 23, 24, MAX_LIMIT])
async def test_paging_yields_every_case_once_in_order_even_with_ties(
    finder_backend: Backend, limit: int
) -> None:
    cases = tied_cases()
    await finder_backend.store(cases)

    for query, expected in ((search(), newest_first(cases)), (QueueFilter(), queue_order(cases))):
        pages = await every_page(finder_backend.finder, query, limit=limit)
        shown = [case.case_number for page in pages for case in page.cases]
        assert shown == expected
        assert all(len(page.cases) == limit for page in pages[:-1])
        assert 1 <= len(pages[-1].cases) <= limit  # the last page is never empty
        assert len(pages) == -(-len(cases) // limit)


async def test_a_case_stored_while_paging_neither_repeats_nor_hides_the_others(
    finder_backend: Backend,
) -> None:
    cases = tied_cases()
    await finder_backend.store(cases)
    first = await finder_backend.finder.search(search(), limit=5)

    await finder_backend.store(cases_of([Traits(opened_at=IN_FEBRUARY + timedelta(days=1))], first=900))
    assert first.next_cursor is not None
    rest = await every_page(finder_backend.finder, search(), limit=5)  # from the start, for comparison
    after = await finder_backend.finder.search(search(), limit=50, cursor=first.next_cursor)

    shown = [c.case_number for c in [*first.cases, *after.cases]]
    assert shown == newest_first(cases)
    assert rest[0].cases[0].case_number == "CAS-2026-0000900"


async def test_nothing_found_is_one_empty_last_page(finder_backend: Backend) -> None:
    assert await finder_backend.finder.search(search(), limit=10) == Page([], None)
    assert await finder_backend.finder.queue(QueueFilter(), limit=10) == Page([], None)


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1])
async def test_a_limit_out_of_range_is_refused(finder_backend: Backend, limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        await finder_backend.finder.search(search(), limit=limit)
    with pytest.raises(ValueError, match="limit"):
        await finder_backend.finder.queue(QueueFilter(), limit=limit)


# --- Cursors --------------------------------------------------------------------------------------


def forged(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not-a-cursor",
        "%%%%",
        "x" * 5000,
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        forged({"opened_at": "2026-02-10T09:00:00+00:00"}),
        forged([1, "0" * 16, "2026-02-10T09:00:00+00:00", "CAS-2026-0000001", False]),
        forged([1]),
        forged(None),
    ],
)
async def test_a_cursor_this_api_did_not_issue_is_invalid(finder_backend: Backend, cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        await finder_backend.finder.search(search(), limit=5, cursor=cursor)
    with pytest.raises(InvalidCursor):
        await finder_backend.finder.queue(QueueFilter(), limit=5, cursor=cursor)


async def issued(finder_backend: Backend, query: Query) -> str:
    await finder_backend.store(tied_cases())
    if isinstance(query, CaseSearch):
        page = await finder_backend.finder.search(query, limit=2)
    else:
        page = await finder_backend.finder.queue(query, limit=2)
    assert page.next_cursor is not None
    return page.next_cursor


async def test_a_cursor_of_another_query_is_invalid(finder_backend: Backend) -> None:
    cursor = await issued(finder_backend, search())
    others = [
        search(status=StatusFilter.OPEN),
        search(subject="cotizacion"),
        search(window=MonthWindow(date(2026, 2, 1), date(2026, 2, 27))),
        replace(search(), authorization=OTHER_AUTHORIZATION),
    ]

    for other in others:
        with pytest.raises(InvalidCursor):
            await finder_backend.finder.search(other, limit=5, cursor=cursor)
    with pytest.raises(InvalidCursor):
        await finder_backend.finder.queue(QueueFilter(), limit=5, cursor=cursor)


async def test_a_queue_cursor_serves_its_own_filter_only(finder_backend: Backend) -> None:
    cursor = await issued(finder_backend, QueueFilter())

    with pytest.raises(InvalidCursor):
        await finder_backend.finder.queue(QueueFilter(assignee=CLERK), limit=5, cursor=cursor)
    with pytest.raises(InvalidCursor):
        await finder_backend.finder.search(search(), limit=5, cursor=cursor)
    assert (await finder_backend.finder.queue(QueueFilter(), limit=50, cursor=cursor)).cases  # still good


@pytest.mark.parametrize(
    ("index", "value"),
    [
        (2, "not an instant"),
        (2, "2026-02-10T09:00:00"),  # no offset
        (2, "2026-03-10T09:00:00+00:00"),  # outside the search's month
        (3, "CAS-2026-1"),
        (3, 42),
        (4, "yes"),
        (0, 2),
    ],
)
async def test_a_tampered_cursor_is_invalid(finder_backend: Backend, index: int, value: object) -> None:
    cursor = await issued(finder_backend, search())
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    payload[index] = value

    with pytest.raises(InvalidCursor):
        await finder_backend.finder.search(search(), limit=5, cursor=forged(payload))
