"""Cases to search for, the indexes of ``cases``, and the two CaseFinders (fake and MongoDB)
with what the search and index tests need around them."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pymongo import IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from casia_contracts.values import CaseType, Status, Substatus
from casia_intake.adapters.search import MongoCaseFinder
from casia_intake.domain.calendar import MonthWindow
from casia_intake.service.search import OPEN_SUBSTATUSES, CaseFinder, CaseSearch, Page, QueueFilter
from casia_read_models import StoredCase
from casia_read_models.cases import CASE_INDEXES
from casia_runtime.mongo import Document

from .builders import AUTHORIZATION, AUTORIZADO, T0, stored_case
from .fake_search import InMemoryCaseFinder

Query = CaseSearch | QueueFilter


@dataclass(frozen=True, kw_only=True)
class Traits:
    """What a search or the queue looks at in a case."""

    authorization: str = AUTHORIZATION.number
    opened_at: datetime = T0
    """Whole milliseconds: what MongoDB keeps."""
    substatus: Substatus = Substatus.SUBMITTED
    case_type: CaseType = CaseType.CONSULTA
    subject: str = "gestion_autorizaciones"
    opened_by: str = AUTORIZADO.nif
    assignee: str | None = None
    urgent: bool = False
    """``affects_current_period``."""


def searchable_case(number: int, traits: Traits) -> StoredCase:
    """Case ``CAS-2026-<number>`` as the workflow would store it, with ``traits``."""
    document: dict[str, Any] = stored_case(f"CAS-2026-{number:07d}").model_dump()
    status = Status.OPEN if traits.substatus in OPEN_SUBSTATUSES else Status.CLOSED
    document.update(
        opened_at=traits.opened_at,
        substatus=traits.substatus,
        status=status,
        case_type=traits.case_type,
        subject=traits.subject,
        affects_current_period=traits.urgent,
        assignee={"nif": traits.assignee, "name": "Tramitador"} if traits.assignee else None,
    )
    document["authorization"]["number"] = traits.authorization
    document["opened_by"]["nif"] = traits.opened_by
    return StoredCase.model_validate(document)


async def create_case_indexes(db: AsyncDatabase[Document]) -> None:
    """The indexes the workflow creates on ``cases`` (intake's tests may not import it)."""
    models = [IndexModel(list(spec.keys), name=spec.name, **spec.options) for spec in CASE_INDEXES]
    await db[StoredCase.COLLECTION].create_indexes(models)


@dataclass(frozen=True)
class Backend:
    finder: CaseFinder
    store: Callable[[Sequence[StoredCase]], Awaitable[None]]
    """Store case documents as the workflow does (intake never writes cases)."""


def in_memory() -> Backend:
    fake = InMemoryCaseFinder()

    async def store(cases: Sequence[StoredCase]) -> None:
        for case in cases:
            fake.add(case)

    return Backend(fake, store)


def in_mongo(db: AsyncDatabase[Document]) -> Backend:
    async def store(cases: Sequence[StoredCase]) -> None:
        await db.cases.insert_many([case.to_document() for case in cases])

    return Backend(MongoCaseFinder(db), store)


def cases_of(traits: Sequence[Traits], *, first: int = 1) -> list[StoredCase]:
    return [searchable_case(first + offset, t) for offset, t in enumerate(traits)]


def newest_first(cases: Sequence[StoredCase]) -> list[str]:
    return [c.case_number for c in sorted(cases, key=lambda c: (c.opened_at, c.case_number), reverse=True)]


def queue_order(cases: Sequence[StoredCase]) -> list[str]:
    ordered = sorted(cases, key=lambda c: (not c.affects_current_period, c.opened_at, c.case_number))
    return [c.case_number for c in ordered]


async def every_page(finder: CaseFinder, query: Query, *, limit: int) -> list[Page]:
    """Page through ``query`` to the end (a runaway cursor fails the test instead of looping)."""
    pages: list[Page] = []
    cursor: str | None = None
    for _ in range(1000):
        if isinstance(query, CaseSearch):
            page = await finder.search(query, limit=limit, cursor=cursor)
        else:
            page = await finder.queue(query, limit=limit, cursor=cursor)
        pages.append(page)
        cursor = page.next_cursor
        if cursor is None:
            return pages
    raise AssertionError("paging never ended")


async def found(finder: CaseFinder, query: Query) -> list[str]:
    """Every case number ``query`` yields, page after page, in order."""
    pages = await every_page(finder, query, limit=3)
    return [case.case_number for page in pages for case in page.cases]


# --- The contract suite's cases ------------------------------------------------------------------

FEBRUARY = MonthWindow(date(2026, 2, 1), date(2026, 2, 28))
IN_FEBRUARY = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
CLERK, OTHER_CLERK = "11111111H", "22222222J"


SEARCH_GRID: dict[str, tuple[Any, ...]] = {
    "substatus": (Substatus.ASSIGNED, Substatus.RESOLVED),
    "case_type": (CaseType.CONSULTA, CaseType.TRAMITE),
    "subject": ("cotizacion", "afiliacion"),
    "opened_by": ("12345678Z", "87654321X"),
}


def search_grid() -> list[StoredCase]:
    """One case for every combination of the grid's values, each at its own minute."""
    combinations = itertools.product(*SEARCH_GRID.values())
    traits = [
        Traits(opened_at=IN_FEBRUARY + timedelta(minutes=n), **dict(zip(SEARCH_GRID, values, strict=True)))
        for n, values in enumerate(combinations)
    ]
    return cases_of(traits)


def trait(case: StoredCase, name: str) -> object:
    """The value ``case`` has for the search grid's criterion ``name``."""
    return {"substatus": case.substatus, "case_type": case.case_type, "subject": case.subject}.get(
        name, case.opened_by.nif
    )


QUEUE_GRID: dict[str, tuple[Any, ...]] = {
    "substatus": (Substatus.ASSIGNED, Substatus.ESCALATED, Substatus.RESOLVED),
    "subject": ("cotizacion", "afiliacion"),
    "assignee": (CLERK, OTHER_CLERK),
    "urgent": (True, False),
}


def queue_grid() -> list[StoredCase]:
    """Every combination, over several authorizations, with ties of ``opened_at`` across urgency."""
    combinations = list(itertools.product(*QUEUE_GRID.values()))
    traits = [
        Traits(
            opened_at=IN_FEBRUARY + timedelta(days=n % 5),
            authorization=f"{1_000_000 + n % 4}",
            **dict(zip(QUEUE_GRID, values, strict=True)),
        )
        for n, values in enumerate(combinations)
    ]
    return cases_of(traits)


def queue_trait(case: StoredCase, name: str) -> object:
    """The value ``case`` has for the queue grid's criterion ``name``."""
    assignee = case.assignee.nif if case.assignee else None
    return {"substatus": case.substatus, "subject": case.subject, "assignee": assignee}.get(
        name, case.affects_current_period
    )


def tied_cases() -> list[StoredCase]:
    """23 cases over four instants (ties), urgent and not, inserted out of order."""
    traits = [
        Traits(
            opened_at=IN_FEBRUARY + timedelta(hours=n % 4), urgent=n % 3 == 0, substatus=Substatus.ASSIGNED
        )
        for n in range(23)
    ]
    cases = cases_of(traits)
    return cases[7:] + cases[:7]


OTHER_AUTHORIZATION = "7654321"


def search(**criteria: object) -> CaseSearch:
    """A search of the default authorization, in February unless ``window`` says otherwise."""
    return CaseSearch(**{"authorization": Traits().authorization, "window": FEBRUARY, **criteria})  # type: ignore[arg-type]
