"""The CaseFinder contract (search and work queue), held against the in-memory fake and the
MongoDB adapter alike (a database of its own with the workflow's indexes, dropped after).

Expectations are written out here from the cases' traits, never from the criteria's own
``matches``: the fake uses it, and must not be its own judge.
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_contracts.values import Substatus
from casia_intake.domain.calendar import MonthWindow
from casia_intake.service.search import (
    MAX_LIMIT,
    CaseSearch,
    InvalidCursor,
    Page,
    QueueFilter,
    StatusFilter,
)
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.testing.mongo import throwaway_database

from ..search_support import (
    CLERK,
    FEBRUARY,
    IN_FEBRUARY,
    QUEUE_GRID,
    SEARCH_GRID,
    Backend,
    Query,
    Traits,
    cases_of,
    create_case_indexes,
    every_page,
    found,
    in_memory,
    in_mongo,
    newest_first,
    queue_grid,
    queue_order,
    queue_trait,
    search_grid,
    tied_cases,
    trait,
)

OTHER_AUTHORIZATION = "7654321"


@pytest.fixture
async def cases_db(mongo: MongoClient) -> AsyncIterator[AsyncDatabase[Document]]:
    async with throwaway_database(mongo, prepare=create_case_indexes) as database:
        yield database


@pytest.fixture(params=["fake", pytest.param("mongo", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "fake":
        return in_memory()
    return in_mongo(request.getfixturevalue("cases_db"))


def search(**criteria: object) -> CaseSearch:
    """A search of the default authorization, in February unless ``window`` says otherwise."""
    return CaseSearch(**{"authorization": Traits().authorization, "window": FEBRUARY, **criteria})  # type: ignore[arg-type]


# --- Search: the authorization and the month ---------------------------------------------------


async def test_a_search_returns_the_authorizations_cases_of_the_month_newest_first(backend: Backend) -> None:
    times = [IN_FEBRUARY + timedelta(hours=h) for h in (5, 1, 30, 0, 12)]
    in_month = cases_of([Traits(opened_at=t) for t in times])
    elsewhere = cases_of(
        [
            Traits(opened_at=datetime(2026, 1, 20, tzinfo=UTC)),
            Traits(opened_at=datetime(2026, 3, 5, tzinfo=UTC)),
            Traits(opened_at=IN_FEBRUARY, authorization=OTHER_AUTHORIZATION),
        ],
        first=100,
    )
    await backend.store([*elsewhere, *in_month])

    page = await backend.finder.search(search(), limit=50)

    assert [case.case_number for case in page.cases] == newest_first(in_month)
    assert page.cases == sorted(in_month, key=lambda c: c.opened_at, reverse=True)
    assert page.next_cursor is None


async def test_another_authorizations_cases_are_never_returned_whatever_the_filters(backend: Backend) -> None:
    mine = cases_of([Traits(opened_at=IN_FEBRUARY, substatus=Substatus.ASSIGNED)])
    theirs = cases_of([Traits(opened_at=IN_FEBRUARY, authorization=OTHER_AUTHORIZATION)] * 3, first=10)
    await backend.store([*mine, *theirs])

    assert await found(backend.finder, search()) == ["CAS-2026-0000001"]
    assert await found(backend.finder, search(status=StatusFilter.CLOSED)) == []
    other = CaseSearch(authorization=OTHER_AUTHORIZATION, window=FEBRUARY)
    assert await found(backend.finder, other) == newest_first(theirs)
    assert await found(backend.finder, CaseSearch(authorization="1111111", window=FEBRUARY)) == []


MADRID_BOUNDARIES = [
    # (opened at, UTC; the first day of the window it belongs to in Madrid, whole month)
    (datetime(2026, 1, 31, 23, 30, tzinfo=UTC), date(2026, 2, 1)),  # 00:30 on 1 Feb in Madrid
    (datetime(2026, 1, 31, 23, 0, tzinfo=UTC), date(2026, 2, 1)),  # 00:00 on 1 Feb: included
    (datetime(2026, 1, 31, 22, 59, 59, 999000, tzinfo=UTC), date(2026, 1, 1)),  # 23:59:59.999
    (datetime(2026, 2, 28, 23, 0, tzinfo=UTC), date(2026, 3, 1)),  # 00:00 on 1 Mar: next month
    (datetime(2026, 6, 30, 22, 30, tzinfo=UTC), date(2026, 7, 1)),  # summer time: 00:30 on 1 Jul
    (datetime(2026, 6, 30, 21, 59, 59, 999000, tzinfo=UTC), date(2026, 6, 1)),
    (datetime(2025, 12, 31, 23, 30, tzinfo=UTC), date(2026, 1, 1)),  # new year in Madrid
]


@pytest.mark.parametrize(("opened_at", "month"), MADRID_BOUNDARIES)
async def test_the_month_is_madrids(backend: Backend, opened_at: datetime, month: date) -> None:
    await backend.store(cases_of([Traits(opened_at=opened_at)]))
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=31)).replace(day=1)

    for first, expected in ((month, ["CAS-2026-0000001"]), (previous, []), (following, [])):
        window = MonthWindow.of(first, None, today=first)
        assert await found(backend.finder, search(window=window)) == expected, first


async def test_a_window_of_some_days_includes_its_first_and_last_days_in_madrid(backend: Backend) -> None:
    edges = [
        datetime(2026, 2, 9, 22, 59, 59, 999000, tzinfo=UTC),  # 9 Feb, 23:59:59.999 in Madrid
        datetime(2026, 2, 9, 23, 0, tzinfo=UTC),  # 10 Feb, 00:00
        datetime(2026, 2, 12, 22, 59, 59, 999000, tzinfo=UTC),  # 12 Feb, 23:59:59.999
        datetime(2026, 2, 12, 23, 0, tzinfo=UTC),  # 13 Feb, 00:00
    ]
    await backend.store(cases_of([Traits(opened_at=at) for at in edges]))

    window = MonthWindow(date(2026, 2, 10), date(2026, 2, 12))
    assert await found(backend.finder, search(window=window)) == ["CAS-2026-0000003", "CAS-2026-0000002"]


# --- Search: status and the optional filters -----------------------------------------------------


async def test_status_open_closed_and_all_split_the_substatuses(backend: Backend) -> None:
    every = cases_of([Traits(opened_at=IN_FEBRUARY, substatus=s) for s in Substatus])
    await backend.store(every)
    closed = {"resolved", "annulled", "closed_ex_officio"}

    for status, expected in (
        (StatusFilter.OPEN, [c for c in every if c.substatus not in closed]),
        (StatusFilter.CLOSED, [c for c in every if c.substatus in closed]),
        (StatusFilter.ALL, every),
    ):
        assert await found(backend.finder, search(status=status)) == newest_first(expected), status
        queue = QueueFilter(status=status)
        assert await found(backend.finder, queue) == queue_order(expected), status
    assert await found(backend.finder, search()) == newest_first(every)  # all by default


@pytest.mark.parametrize("size", [1, 2, 3, 4])
async def test_every_combination_of_search_filters_returns_exactly_its_cases(
    backend: Backend, size: int
) -> None:
    grid = search_grid()
    await backend.store(grid)

    for names in itertools.combinations(SEARCH_GRID, size):
        for values in itertools.product(*(SEARCH_GRID[name] for name in names)):
            chosen = dict(zip(names, values, strict=True))
            expected = [c for c in grid if all(trait(c, n) == v for n, v in chosen.items())]
            assert await found(backend.finder, search(**chosen)) == newest_first(expected), chosen


async def test_a_substatus_outside_the_status_finds_nothing(backend: Backend) -> None:
    await backend.store(search_grid())

    assert await found(backend.finder, search(status=StatusFilter.OPEN, substatus=Substatus.RESOLVED)) == []
    assert await found(backend.finder, QueueFilter(substatus=Substatus.RESOLVED)) == []


# --- Work queue ---------------------------------------------------------------------------------


async def test_the_queue_shows_open_cases_of_every_authorization_urgent_first_then_oldest(
    backend: Backend,
) -> None:
    grid = queue_grid()
    submitted = cases_of([Traits(opened_at=IN_FEBRUARY - timedelta(days=40))], first=500)
    await backend.store([*grid, *submitted])

    open_cases = [c for c in [*grid, *submitted] if c.substatus != Substatus.RESOLVED]
    shown = await found(backend.finder, QueueFilter())
    assert shown == queue_order(open_cases)
    assert shown[0] != submitted[0].case_number  # older, but urgent cases come first
    assert shown.index(submitted[0].case_number) == sum(c.affects_current_period for c in open_cases)


@pytest.mark.parametrize("size", [1, 2, 3, 4])
async def test_every_combination_of_queue_filters_returns_exactly_its_cases(
    backend: Backend, size: int
) -> None:
    grid = queue_grid()
    await backend.store(grid)
    names_of = {"urgent": "affects_current_period"}

    for names in itertools.combinations(QUEUE_GRID, size):
        for values in itertools.product(*(QUEUE_GRID[name] for name in names)):
            chosen = dict(zip(names, values, strict=True))
            expected = [c for c in grid if all(queue_trait(c, n) == v for n, v in chosen.items())]
            criteria = {names_of.get(n, n): v for n, v in chosen.items()}
            query = QueueFilter(status=StatusFilter.ALL, **criteria)
            assert await found(backend.finder, query) == queue_order(expected), chosen


# --- Pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 6, 22, 23, 24, MAX_LIMIT])
async def test_paging_yields_every_case_once_in_order_even_with_ties(backend: Backend, limit: int) -> None:
    cases = tied_cases()
    await backend.store(cases)

    for query, expected in ((search(), newest_first(cases)), (QueueFilter(), queue_order(cases))):
        pages = await every_page(backend.finder, query, limit=limit)
        shown = [case.case_number for page in pages for case in page.cases]
        assert shown == expected
        assert all(len(page.cases) == limit for page in pages[:-1])
        assert 1 <= len(pages[-1].cases) <= limit  # the last page is never empty
        assert len(pages) == -(-len(cases) // limit)


async def test_a_case_stored_while_paging_neither_repeats_nor_hides_the_others(backend: Backend) -> None:
    cases = tied_cases()
    await backend.store(cases)
    first = await backend.finder.search(search(), limit=5)

    await backend.store(cases_of([Traits(opened_at=IN_FEBRUARY + timedelta(days=1))], first=900))
    assert first.next_cursor is not None
    rest = await every_page(backend.finder, search(), limit=5)  # from the start, for comparison
    after = await backend.finder.search(search(), limit=50, cursor=first.next_cursor)

    shown = [c.case_number for c in [*first.cases, *after.cases]]
    assert shown == newest_first(cases)
    assert rest[0].cases[0].case_number == "CAS-2026-0000900"


async def test_nothing_found_is_one_empty_last_page(backend: Backend) -> None:
    assert await backend.finder.search(search(), limit=10) == Page([], None)
    assert await backend.finder.queue(QueueFilter(), limit=10) == Page([], None)


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1])
async def test_a_limit_out_of_range_is_refused(backend: Backend, limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        await backend.finder.search(search(), limit=limit)
    with pytest.raises(ValueError, match="limit"):
        await backend.finder.queue(QueueFilter(), limit=limit)


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
async def test_a_cursor_this_api_did_not_issue_is_invalid(backend: Backend, cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        await backend.finder.search(search(), limit=5, cursor=cursor)
    with pytest.raises(InvalidCursor):
        await backend.finder.queue(QueueFilter(), limit=5, cursor=cursor)


async def issued(backend: Backend, query: Query) -> str:
    await backend.store(tied_cases())
    if isinstance(query, CaseSearch):
        page = await backend.finder.search(query, limit=2)
    else:
        page = await backend.finder.queue(query, limit=2)
    assert page.next_cursor is not None
    return page.next_cursor


async def test_a_cursor_of_another_query_is_invalid(backend: Backend) -> None:
    cursor = await issued(backend, search())
    others = [
        search(status=StatusFilter.OPEN),
        search(subject="cotizacion"),
        search(window=MonthWindow(date(2026, 2, 1), date(2026, 2, 27))),
        replace(search(), authorization=OTHER_AUTHORIZATION),
    ]

    for other in others:
        with pytest.raises(InvalidCursor):
            await backend.finder.search(other, limit=5, cursor=cursor)
    with pytest.raises(InvalidCursor):
        await backend.finder.queue(QueueFilter(), limit=5, cursor=cursor)


async def test_a_queue_cursor_serves_its_own_filter_only(backend: Backend) -> None:
    cursor = await issued(backend, QueueFilter())

    with pytest.raises(InvalidCursor):
        await backend.finder.queue(QueueFilter(assignee=CLERK), limit=5, cursor=cursor)
    with pytest.raises(InvalidCursor):
        await backend.finder.search(search(), limit=5, cursor=cursor)
    assert (await backend.finder.queue(QueueFilter(), limit=50, cursor=cursor)).cases  # still good


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
async def test_a_tampered_cursor_is_invalid(backend: Backend, index: int, value: object) -> None:
    cursor = await issued(backend, search())
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    payload[index] = value

    with pytest.raises(InvalidCursor):
        await backend.finder.search(search(), limit=5, cursor=forged(payload))
