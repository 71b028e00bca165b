"""The search of guide 4.2 (Opción 2) and the clerks' queue, against the running system: each
test works with an authorization and a clerk of its own, so the stack's other cases never
interfere."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from casia_intake.domain.calendar import spanish_date

from .conftest import Autorizado, Tramitador, new_autorizado, new_tramitador
from .journeys import CONSULTA, act, open_case

pytestmark = pytest.mark.e2e

QUEUE = "/v1/backoffice/cases"
ERROR_RED = {
    **CONSULTA,
    "case_type": "error_incidencia",
    "subject": "sistema_red",
    "category": "errores_aplicacion",
    "title": "Error al enviar la remesa",
    "description": "La aplicación devuelve un error técnico al enviar.",
}


async def opened(
    client: httpx.AsyncClient, who: Autorizado, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await open_case(client, who.cases_path, who.headers, body)
    assert response.status_code == 201, response.text
    case: dict[str, Any] = response.json()
    return case


async def found(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], **query: str | int | bool
) -> list[str]:
    response = await client.get(path, params=query, headers=headers)
    assert response.status_code == 200, response.text
    return [row["case_number"] for row in response.json()["cases"]]


def month_of(case: dict[str, Any]) -> tuple[date, date]:
    """The first day of the case's month in Spain, and the day before it."""
    first = spanish_date(datetime.fromisoformat(case["opened_at"])).replace(day=1)
    return first, first - timedelta(days=1)


async def test_the_search_filters_as_the_guide_says_within_one_month(client: httpx.AsyncClient) -> None:
    ana = new_autorizado()
    colleague = new_autorizado(authorizations=(ana.authorization,))
    clerk = new_tramitador()
    consulta = await opened(client, ana)
    error = await opened(client, ana, ERROR_RED)
    theirs = await opened(client, colleague)
    await act(client, Tramitador.case_path(consulta["case_number"]) + "/assignment", clerk.headers)
    await act(
        client,
        Tramitador.case_path(consulta["case_number"]) + "/resolution",
        clerk.headers,
        {"answer": "Hecho."},
    )
    first, last_month = (day.isoformat() for day in month_of(consulta))
    search = ana.cases_path

    def numbers(*cases: dict[str, Any]) -> list[str]:
        return [c["case_number"] for c in cases]

    assert await found(client, search, ana.headers) == numbers(theirs, error, consulta)  # newest first
    assert await found(client, search, ana.headers, opened_from=first) == numbers(theirs, error, consulta)
    assert await found(client, search, ana.headers, opened_to=last_month) == []
    assert await found(client, search, ana.headers, status="closed") == numbers(consulta)
    assert await found(client, search, ana.headers, status="open") == numbers(theirs, error)
    assert await found(client, search, ana.headers, substatus="resolved") == numbers(consulta)
    assert await found(client, search, ana.headers, case_type="error_incidencia") == numbers(error)
    assert await found(client, search, ana.headers, subject="sistema_red") == numbers(error)
    assert await found(client, search, ana.headers, opened_by=colleague.nif) == numbers(theirs)

    spanning = await client.get(
        search, params={"opened_from": last_month, "opened_to": first}, headers=ana.headers
    )
    assert spanning.status_code == 422 and spanning.json()["type"] == "/problems/outside-one-month"


async def test_pages_of_a_search_hold_every_case_once(
    client: httpx.AsyncClient, autorizado: Autorizado
) -> None:
    numbers = [(await opened(client, autorizado))["case_number"] for _ in range(5)]
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 2}
    while True:
        page = (await client.get(autorizado.cases_path, params=params, headers=autorizado.headers)).json()
        seen += [row["case_number"] for row in page["cases"]]
        if page["next_cursor"] is None:
            break
        params = {"limit": 2, "cursor": page["next_cursor"]}

    assert seen == numbers[::-1]


async def test_two_authorizations_of_one_user_list_their_own_cases(client: httpx.AsyncClient) -> None:
    first, second = new_autorizado(), new_autorizado()
    both = new_autorizado(authorizations=(first.authorization, second.authorization))
    one = await opened(client, new_autorizado(authorizations=(first.authorization,)))
    two = await opened(client, new_autorizado(authorizations=(second.authorization,)))

    assert await found(client, first.cases_path, both.headers) == [one["case_number"]]
    assert await found(client, second.cases_path, both.headers) == [two["case_number"]]
    refused = await client.get(second.cases_path, headers=first.headers)
    assert refused.status_code == 403


async def test_the_queue_serves_the_current_period_first_then_the_oldest(
    client: httpx.AsyncClient, autorizado: Autorizado, tramitador: Tramitador
) -> None:
    older = await opened(client, autorizado)
    newer = await opened(client, autorizado)
    urgent = await opened(client, autorizado, {**CONSULTA, "affects_current_period": True})
    done = await opened(client, autorizado)
    for case in (older, newer, urgent, done):
        await act(client, Tramitador.case_path(case["case_number"]) + "/assignment", tramitador.headers)
    await act(
        client,
        Tramitador.case_path(done["case_number"]) + "/resolution",
        tramitador.headers,
        {"answer": "Ok"},
    )
    mine = {"assignee": tramitador.nif}

    assert await found(client, QUEUE, tramitador.headers, **mine) == [
        urgent["case_number"],
        older["case_number"],
        newer["case_number"],
    ]
    assert await found(client, QUEUE, tramitador.headers, **mine, affects_current_period=True) == [
        urgent["case_number"]
    ]
    assert await found(client, QUEUE, tramitador.headers, **mine, status="closed") == [done["case_number"]]
    assert await found(client, QUEUE, tramitador.headers, **mine, substatus="resolved", status="all") == [
        done["case_number"]
    ]
    assert (await client.get(QUEUE, headers=autorizado.headers)).status_code == 403


async def test_a_case_assigned_to_a_named_clerk_is_in_that_clerks_queue(
    client: httpx.AsyncClient, autorizado: Autorizado, tramitador: Tramitador
) -> None:
    colleague = new_tramitador("Marta Ruiz Gil")
    case = await opened(client, autorizado)
    named = {"assignee": {"nif": colleague.nif, "name": colleague.name}}

    assigned = await act(
        client, Tramitador.case_path(case["case_number"]) + "/assignment", tramitador.headers, named
    )

    assert assigned["assignee"] == {"nif": colleague.nif, "name": colleague.name}
    assert await found(client, QUEUE, colleague.headers, assignee=colleague.nif) == [case["case_number"]]
    assert await found(client, QUEUE, tramitador.headers, assignee=tramitador.nif) == []
    seen_by_autorizado = (
        await client.get(f"{autorizado.cases_path}/{case['case_number']}", headers=autorizado.headers)
    ).json()
    assert seen_by_autorizado["assignee"] == {"nif": None, "name": "Tramitador TGSS"}
