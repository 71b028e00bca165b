"""Every query shape of the search and the work queue is served by an index of ``cases``.

The plans are the real server's: each find the adapter would run (``search_finds`` /
``queue_finds``, first page and resumed pages) is explained on a database holding the
workflow's indexes and a few thousand varied cases, and the winning plan must scan an index,
never the collection, and none may sort in memory (a blocking ``SORT`` stage): not only the
queue's common shapes (no filter, by assignee, substatus, subject or urgency) but every
combination, since every index a queue find can use holds the queue's order. How many keys
each shape reads at a million cases is ``bench/read_paths.py``'s business (timings and volumes
are benchmarks, not tests).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_contracts.values import CaseType, Substatus
from casia_intake.adapters.search import Find, queue_finds, search_finds
from casia_intake.domain.calendar import MonthWindow
from casia_intake.service.search import CaseSearch, Position, QueueFilter, StatusFilter
from casia_intake.settings import IntakeSettings
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.testing.mongo import mongo_client, throwaway_database

from ..search_support import Traits, create_case_indexes, searchable_case

pytestmark = pytest.mark.integration

AUTHORIZATIONS = [f"{2_000_000 + n}" for n in range(40)]
CLERKS = ["11111111H", "22222222J", "33333333P"]
SUBJECTS = ["afiliacion", "cotizacion", "sistema_red"]
START = datetime(2025, 1, 1, tzinfo=UTC)
MONTH = MonthWindow(date(2025, 6, 1), date(2025, 6, 30))
RESUME = Position(datetime(2025, 6, 15, 12, 0, tzinfo=UTC), "CAS-2026-0001000", True)


def varied(rng: random.Random) -> Traits:
    substatus = rng.choice(list(Substatus))
    return Traits(
        authorization=rng.choice(AUTHORIZATIONS),
        opened_at=START + timedelta(minutes=rng.randrange(365 * 24 * 60)),
        substatus=substatus,
        case_type=rng.choice(list(CaseType)),
        subject=rng.choice(SUBJECTS),
        opened_by=rng.choice(["12345678Z", "87654321X"]),
        assignee=None if substatus == Substatus.SUBMITTED else rng.choice(CLERKS),
        urgent=rng.random() < 0.2,
    )


@pytest.fixture(scope="module")
async def mongo_for_module() -> AsyncIterator[MongoClient]:
    async with mongo_client(IntakeSettings()) as client:
        yield client


@pytest.fixture(scope="module")
async def cases_db(mongo_for_module: MongoClient) -> AsyncIterator[AsyncDatabase[Document]]:
    """The workflow's indexes over 3,000 varied cases: enough for the planner to choose."""
    async with throwaway_database(mongo_for_module, prepare=create_case_indexes) as database:
        rng = random.Random(7)
        cases = [searchable_case(n, varied(rng)) for n in range(1, 3001)]
        await database.cases.insert_many([case.to_document() for case in cases])
        yield database


def subsets(options: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for size in range(len(options) + 1):
        for names in itertools.combinations(options, size):
            yield {name: options[name] for name in names}


def consistent(status: StatusFilter) -> Substatus:
    """A substatus the status admits (a contradiction finds nothing and proves nothing)."""
    return Substatus.RESOLVED if status is StatusFilter.CLOSED else Substatus.ASSIGNED


def search_shapes() -> Iterator[tuple[str, list[Find]]]:
    for status in StatusFilter:
        optional = {
            "substatus": consistent(status),
            "case_type": CaseType.TRAMITE,
            "subject": "cotizacion",
            "opened_by": "12345678Z",
        }
        for chosen in subsets(optional):
            criteria = CaseSearch(authorization=AUTHORIZATIONS[0], window=MONTH, status=status, **chosen)
            for after in (None, RESUME):
                name = f"search status={status} {sorted(chosen)} resumed={after is not None}"
                yield name, search_finds(criteria, after=after)


def queue_shapes() -> Iterator[tuple[str, list[Find]]]:
    for status in StatusFilter:
        optional = {
            "substatus": consistent(status),
            "subject": "cotizacion",
            "assignee": CLERKS[0],
            "affects_current_period": True,
        }
        for chosen in subsets(optional):
            criteria = QueueFilter(status=status, **chosen)
            resumed_in = [None, True, False] if "affects_current_period" not in chosen else [None, True]
            for urgent in resumed_in:
                after = None if urgent is None else Position(RESUME.opened_at, RESUME.case_number, urgent)
                name = f"queue status={status} {sorted(chosen)} resumed_in_urgent={urgent}"
                yield name, queue_finds(criteria, after=after)


async def winning_stages(db: AsyncDatabase[Document], find: Find) -> list[str]:
    """The stage names of the winning plan of ``find`` (a page of 50), root first."""
    command = {"find": "cases", "filter": find.filter, "sort": dict(find.sort), "limit": 51}
    explained = await db.command("explain", command, verbosity="queryPlanner")
    plan = explained["queryPlanner"]["winningPlan"]
    return list(stages(plan.get("queryPlan", plan)))


def stages(plan: dict[str, Any]) -> Iterator[str]:
    yield plan["stage"]
    children = plan.get("inputStages", [plan["inputStage"]] if "inputStage" in plan else [])
    for child in children:
        yield from stages(child)


async def test_every_search_shape_scans_its_index_in_order(cases_db: AsyncDatabase[Document]) -> None:
    plans = {}
    for name, finds in search_shapes():
        for find in finds:
            plans[name] = await winning_stages(cases_db, find)

    assert len(plans) == 3 * 16 * 2
    for name, found in plans.items():
        assert "IXSCAN" in found, (name, found)
        assert "COLLSCAN" not in found, (name, found)
        assert "SORT" not in found, (name, found)


async def test_every_queue_shape_scans_an_index_in_order(cases_db: AsyncDatabase[Document]) -> None:
    checked = 0
    for name, finds in queue_shapes():
        for find in finds:
            found = await winning_stages(cases_db, find)
            checked += 1
            assert "IXSCAN" in found, (name, found)
            assert "COLLSCAN" not in found, (name, found)
            assert "SORT" not in found, (name, found)  # SORT_MERGE of sorted runs is not blocking
    assert checked > 3 * 16 * 2
