"""Finding cases: the autorizado's search within one authorization (guide 4.2, Opción 2) and the
clerks' work queue across all of them. What matches and in which order is
:mod:`casia_intake.service.search`'s; here the query string becomes its criteria."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from casia_contracts.values import CaseType, Substatus
from casia_intake.domain.calendar import MonthWindow, OutsideOneMonth, spanish_date
from casia_intake.entrypoints.content import JSON, accepts
from casia_intake.entrypoints.dependencies import Application
from casia_intake.entrypoints.identity import ActingAuthorization, Clerk
from casia_intake.entrypoints.problems import Problem
from casia_intake.entrypoints.views import Audience, CasePage, CaseSummary
from casia_intake.service.search import MAX_LIMIT, CaseSearch, InvalidCursor, Page, QueueFilter, StatusFilter

DEFAULT_LIMIT = 50

Nif = Annotated[str | None, Field(min_length=1, max_length=16, pattern=r"^[0-9A-Za-z]+$")]
Subject = Annotated[str | None, Field(max_length=64)]


class PageQuery(BaseModel):
    """What every listing takes; a parameter it does not know is refused (422), not ignored."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Casos por página (1–{MAX_LIMIT})")
    cursor: str | None = Field(
        None, max_length=512, description="El next_cursor de la página anterior, con los mismos filtros"
    )


class SearchQuery(PageQuery):
    """Guide 4.2, Opción 2: Estado and the dates of alta (one calendar month, the current one by
    default) are the search; the rest narrow it."""

    status: StatusFilter = StatusFilter.ALL
    opened_from: date | None = Field(None, description="Fecha de alta desde (por defecto, el mes en curso)")
    opened_to: date | None = Field(None, description="Fecha de alta hasta, en el mismo mes natural")
    substatus: Substatus | None = None
    case_type: CaseType | None = None
    subject: Subject = None
    opened_by: Nif = Field(None, description="NIF del usuario que dio de alta el caso")


class QueueQuery(PageQuery):
    status: StatusFilter = StatusFilter.OPEN
    substatus: Substatus | None = None
    subject: Subject = None
    assignee: Nif = Field(None, description="NIF del tramitador asignado")
    affects_current_period: bool | None = None


autorizado_router = APIRouter(
    prefix="/v1/authorizations/{authorization}/cases",
    tags=["autorizado"],
    dependencies=[Depends(accepts(JSON))],
)
backoffice_router = APIRouter(
    prefix="/v1/backoffice/cases", tags=["tramitador"], dependencies=[Depends(accepts(JSON))]
)


@autorizado_router.get(
    "", summary="Buscar casos (estado y fechas de alta en un mismo mes)", response_model=CasePage
)
async def search_cases(
    query: Annotated[SearchQuery, Query()], intake: Application, authorization: ActingAuthorization
) -> CasePage:
    try:
        window = MonthWindow.of(query.opened_from, query.opened_to, today=spanish_date(intake.clock()))
    except OutsideOneMonth as error:
        raise Problem(
            422,
            "outside-one-month",
            "Fechas de alta no válidas",
            str(error),
            errors=[{"field": "opened_from", "message": str(error)}],
        ) from error
    criteria = CaseSearch(
        authorization=authorization.number,
        window=window,
        status=query.status,
        substatus=query.substatus,
        case_type=query.case_type,
        subject=query.subject,
        opened_by=query.opened_by.upper() if query.opened_by else None,
    )
    try:
        page = await intake.finder.search(criteria, limit=query.limit, cursor=query.cursor)
    except InvalidCursor as error:
        raise _invalid_cursor() from error
    return _page(page, Audience.AUTORIZADO)


@backoffice_router.get(
    "",
    summary="Cola de trabajo (primero los que afectan al periodo en curso, luego los más antiguos)",
    response_model=CasePage,
)
async def work_queue(query: Annotated[QueueQuery, Query()], intake: Application, clerk: Clerk) -> CasePage:
    criteria = QueueFilter(
        status=query.status,
        substatus=query.substatus,
        subject=query.subject,
        assignee=query.assignee.upper() if query.assignee else None,
        affects_current_period=query.affects_current_period,
    )
    try:
        page = await intake.finder.queue(criteria, limit=query.limit, cursor=query.cursor)
    except InvalidCursor as error:
        raise _invalid_cursor() from error
    return _page(page, Audience.BACKOFFICE)


class SubstatusCount(BaseModel):
    substatus: Substatus
    label: str
    count: int


class QueueCounts(BaseModel):
    """Open cases of every authorization, by substatus (all open substatuses, zeros included)."""

    counts: list[SubstatusCount]


@backoffice_router.get("/counts", summary="Casos abiertos por subestado", response_model=QueueCounts)
async def open_counts(intake: Application, clerk: Clerk) -> QueueCounts:
    counted = await intake.finder.open_counts()
    return QueueCounts(
        counts=[SubstatusCount(substatus=s, label=s.label, count=n) for s, n in counted.items()]
    )


def _page(page: Page, audience: Audience) -> CasePage:
    return CasePage(
        cases=[CaseSummary.of(case, audience) for case in page.cases], next_cursor=page.next_cursor
    )


def _invalid_cursor() -> Problem:
    return Problem(
        422,
        "invalid-cursor",
        "Cursor no válido",
        "El cursor no corresponde a esta búsqueda; repítala desde la primera página.",
        errors=[{"field": "cursor", "message": "no es un cursor de esta búsqueda"}],
    )
