"""The CaseFinder contract (search and work queue), held against the in-memory fake and the
MongoDB adapter alike (a database of its own with the workflow's indexes, dropped after).

Expectations are written out here from the cases' traits, never from the criteria's own
``matches``: the fake uses it, and must not be its own judge.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from casia_contracts.values import Substatus
from casia_intake.domain.calendar import MonthWindow
from casia_intake.service.search import CaseSearch, QueueFilter, StatusFilter

from ..search_support import (
    FEBRUARY,
    IN_FEBRUARY,
    OTHER_AUTHORIZATION,
    QUEUE_GRID,
    SEARCH_GRID,
    Backend,
    Traits,
    cases_of,
    found,
    newest_first,
    queue_grid,
    queue_order,
    queue_trait,
    search,
    search_grid,
    trait,
)

# --- Search: the authorization and the month ---------------------------------------------------


async def test_a_search_returns_the_authorizations_cases_of_the_month_newest_first(
    finder_backend: Backend,
) -> None:
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
    await finder_backend.store([*elsewhere, *in_month])

    page = await finder_backend.finder.search(search(), limit=50)

    assert [case.case_number for case in page.cases] == newest_first(in_month)
    assert page.cases == sorted(in_month, key=lambda c: c.opened_at, reverse=True)
    assert page.next_cursor is None


async def test_another_authorizations_cases_are_never_returned_whatever_the_filters(
    finder_backend: Backend,
) -> None:
    mine = cases_of([Traits(opened_at=IN_FEBRUARY, substatus=Substatus.ASSIGNED)])
    theirs = cases_of([Traits(opened_at=IN_FEBRUARY, authorization=OTHER_AUTHORIZATION)] * 3, first=10)
    await finder_backend.store([*mine, *theirs])

    assert await found(finder_backend.finder, search()) == ["CAS-2026-0000001"]
    assert await found(finder_backend.finder, search(status=StatusFilter.CLOSED)) == []
    other = CaseSearch(authorization=OTHER_AUTHORIZATION, window=FEBRUARY)
    assert await found(finder_backend.finder, other) == newest_first(theirs)
    assert await found(finder_backend.finder, CaseSearch(authorization="1111111", window=FEBRUARY)) == []


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
async def test_the_month_is_madrids(finder_backend: Backend, opened_at: datetime, month: date) -> None:
    await finder_backend.store(cases_of([Traits(opened_at=opened_at)]))
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=31)).replace(day=1)

    for first, expected in ((month, ["CAS-2026-0000001"]), (previous, []), (following, [])):
        window = MonthWindow.of(first, None, today=first)
        assert await found(finder_backend.finder, search(window=window)) == expected, first


async def test_a_window_of_some_days_includes_its_first_and_last_days_in_madrid(
    finder_backend: Backend,
) -> None:
    edges = [
        datetime(2026, 2, 9, 22, 59, 59, 999000, tzinfo=UTC),  # 9 Feb, 23:59:59.999 in Madrid
        datetime(2026, 2, 9, 23, 0, tzinfo=UTC),  # 10 Feb, 00:00
        datetime(2026, 2, 12, 22, 59, 59, 999000, tzinfo=UTC),  # 12 Feb, 23:59:59.999
        datetime(2026, 2, 12, 23, 0, tzinfo=UTC),  # 13 Feb, 00:00
    ]
    await finder_backend.store(cases_of([Traits(opened_at=at) for at in edges]))

    window = MonthWindow(date(2026, 2, 10), date(2026, 2, 12))
    assert await found(finder_backend.finder, search(window=window)) == [
        "CAS-2026-0000003",
        "CAS-2026-0000002",
    ]


# --- Search: status and the optional filters -----------------------------------------------------


async def test_status_open_closed_and_all_split_the_substatuses(finder_backend: Backend) -> None:
    every = cases_of([Traits(opened_at=IN_FEBRUARY, substatus=s) for s in Substatus])
    await finder_backend.store(every)
    closed = {"resolved", "annulled", "closed_ex_officio"}

    for status, expected in (
        (StatusFilter.OPEN, [c for c in every if c.substatus not in closed]),
        (StatusFilter.CLOSED, [c for c in every if c.substatus in closed]),
        (StatusFilter.ALL, every),
    ):
        assert await found(finder_backend.finder, search(status=status)) == newest_first(expected), status
        queue = QueueFilter(status=status)
        assert await found(finder_backend.finder, queue) == queue_order(expected), status
    assert await found(finder_backend.finder, search()) == newest_first(every)  # all by default


@pytest.mark.parametrize("size", [1, 2, 3, 4])
async def test_every_combination_of_search_filters_returns_exactly_its_cases(
    finder_backend: Backend, size: int
) -> None:
    grid = search_grid()
    await finder_backend.store(grid)

    for names in itertools.combinations(SEARCH_GRID, size):
        for values in itertools.product(*(SEARCH_GRID[name] for name in names)):
            chosen = dict(zip(names, values, strict=True))
            expected = [c for c in grid if all(trait(c, n) == v for n, v in chosen.items())]
            assert await found(finder_backend.finder, search(**chosen)) == newest_first(expected), chosen


async def test_a_substatus_outside_the_status_finds_nothing(finder_backend: Backend) -> None:
    await finder_backend.store(search_grid())

    assert (
        await found(finder_backend.finder, search(status=StatusFilter.OPEN, substatus=Substatus.RESOLVED))
        == []
    )
    assert await found(finder_backend.finder, QueueFilter(substatus=Substatus.RESOLVED)) == []


# --- Work queue ---------------------------------------------------------------------------------


async def test_the_queue_shows_open_cases_of_every_authorization_urgent_first_then_oldest(
    finder_backend: Backend,
) -> None:
    grid = queue_grid()
    submitted = cases_of([Traits(opened_at=IN_FEBRUARY - timedelta(days=40))], first=500)
    await finder_backend.store([*grid, *submitted])

    open_cases = [c for c in [*grid, *submitted] if c.substatus != Substatus.RESOLVED]
    shown = await found(finder_backend.finder, QueueFilter())
    assert shown == queue_order(open_cases)
    assert shown[0] != submitted[0].case_number  # older, but urgent cases come first
    assert shown.index(submitted[0].case_number) == sum(c.affects_current_period for c in open_cases)


@pytest.mark.parametrize("size", [1, 2, 3, 4])
async def test_every_combination_of_queue_filters_returns_exactly_its_cases(
    finder_backend: Backend, size: int
) -> None:
    grid = queue_grid()
    await finder_backend.store(grid)
    names_of = {"urgent": "affects_current_period"}

    for names in itertools.combinations(QUEUE_GRID, size):
        for values in itertools.product(*(QUEUE_GRID[name] for name in names)):
            chosen = dict(zip(names, values, strict=True))
            expected = [c for c in grid if all(queue_trait(c, n) == v for n, v in chosen.items())]
            criteria = {names_of.get(n, n): v for n, v in chosen.items()}
            query = QueueFilter(status=StatusFilter.ALL, **criteria)
            assert await found(finder_backend.finder, query) == queue_order(expected), chosen


async def test_open_counts_name_every_open_substatus_with_its_cases(finder_backend: Backend) -> None:
    substatuses = [Substatus.SUBMITTED, Substatus.SUBMITTED, Substatus.ASSIGNED, Substatus.RESOLVED]
    await finder_backend.store(cases_of([Traits(substatus=s) for s in substatuses]))

    counts = await finder_backend.finder.open_counts()

    assert counts[Substatus.SUBMITTED] == 2 and counts[Substatus.ASSIGNED] == 1
    assert counts[Substatus.ESCALATED] == 0
    assert Substatus.RESOLVED not in counts
    assert set(counts) == {s for s in Substatus if s.status.value == "open"}
