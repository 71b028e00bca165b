"""The search and the work queue over HTTP, with the finder faked (its behaviour is held to
MongoDB's by ``tests/contract/test_search_contract.py``): the query string, the month rule,
pages, cursors, and who sees which cases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from casia_contracts.values import CaseType, Substatus
from casia_intake.auth import Role

from ..gateway import CASES, OTHER, Gateway, assert_problem, serving_fakes
from ..search_support import Traits, searchable_case

QUEUE = "/v1/backoffice/cases"
IN_MARCH = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)  # the fakes' clock stands at 2 March 2026
IN_FEBRUARY = datetime(2026, 2, 27, 10, 0, tzinfo=UTC)
CLERK = "00000000T"


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    async with serving_fakes() as serving:
        yield serving


def add(gateway: Gateway, number: int, **traits: object) -> str:
    stored = searchable_case(number, Traits(**{"opened_at": IN_MARCH, **traits}))  # type: ignore[arg-type]
    gateway.cases.add(stored)
    return stored.case_number


async def found(gateway: Gateway, query: str = "", *, url: str = CASES, **headers: str) -> list[str]:
    response = await gateway.client.get(f"{url}{query}", headers=headers or gateway.headers())
    assert response.status_code == 200, response.text
    return [row["case_number"] for row in response.json()["cases"]]


def clerk_headers(gateway: Gateway) -> dict[str, str]:
    return gateway.headers(roles=[Role.TRAMITADOR], authorizations=[])


async def test_the_search_shows_the_current_month_by_default_newest_first(gateway: Gateway) -> None:
    older = add(gateway, 1)
    newer = add(gateway, 2, opened_at=IN_MARCH.replace(hour=11))
    add(gateway, 3, opened_at=IN_FEBRUARY)

    assert await found(gateway) == [newer, older]


async def test_dates_choose_the_month_and_must_lie_within_one(gateway: Gateway) -> None:
    add(gateway, 1)
    february = add(gateway, 2, opened_at=IN_FEBRUARY)

    assert await found(gateway, "?opened_from=2026-02-01&opened_to=2026-02-28") == [february]
    assert await found(gateway, "?opened_from=2026-02-27") == [february]  # the rest of its month
    assert await found(gateway, "?opened_to=2026-02-26") == []
    for query in (
        "?opened_from=2026-02-15&opened_to=2026-03-01",
        "?opened_from=2026-02-20&opened_to=2026-02-10",
    ):
        response = await gateway.client.get(f"{CASES}{query}", headers=gateway.headers())
        assert_problem(response, 422, "outside-one-month")
    response = await gateway.client.get(f"{CASES}?opened_from=2026-02-30", headers=gateway.headers())
    assert_problem(response, 422, "validation-error")


async def test_every_filter_narrows_the_search(gateway: Gateway) -> None:
    plain = add(gateway, 1)
    resolved = add(gateway, 2, substatus=Substatus.RESOLVED)
    error = add(gateway, 3, case_type=CaseType.ERROR_INCIDENCIA)
    other_subject = add(gateway, 4, subject="cotizacion")
    colleague = add(gateway, 5, opened_by="87654321X")

    assert await found(gateway, "?status=closed") == [resolved]
    assert set(await found(gateway, "?status=open")) == {plain, error, other_subject, colleague}
    assert await found(gateway, "?substatus=resolved") == [resolved]
    assert await found(gateway, "?status=open&substatus=resolved") == []
    assert await found(gateway, "?case_type=error_incidencia") == [error]
    assert await found(gateway, "?subject=cotizacion") == [other_subject]
    assert await found(gateway, "?opened_by=87654321x") == [colleague]


async def test_a_search_never_shows_another_authorizations_cases(gateway: Gateway) -> None:
    mine = add(gateway, 1)
    add(gateway, 2, authorization=OTHER.number)

    assert await found(gateway) == [mine]
    response = await gateway.client.get(f"/v1/authorizations/{OTHER.number}/cases", headers=gateway.headers())
    assert_problem(response, 403, "authorization-not-held")


async def test_pages_follow_their_cursor_to_the_end(gateway: Gateway) -> None:
    numbers = [add(gateway, n, opened_at=IN_MARCH.replace(minute=n)) for n in range(1, 6)]
    seen: list[str] = []
    query = "?limit=2"
    while True:
        response = await gateway.client.get(f"{CASES}{query}", headers=gateway.headers())
        body = response.json()
        seen += [row["case_number"] for row in body["cases"]]
        if body["next_cursor"] is None:
            break
        query = f"?limit=2&cursor={body['next_cursor']}"

    assert seen == numbers[::-1]


async def test_a_cursor_of_another_search_or_made_up_is_422(gateway: Gateway) -> None:
    for n in range(1, 4):
        add(gateway, n, opened_at=IN_MARCH.replace(minute=n))
    first = await gateway.client.get(f"{CASES}?limit=1", headers=gateway.headers())
    cursor = first.json()["next_cursor"]

    for query in (f"?limit=1&status=open&cursor={cursor}", "?cursor=bm90LWEtY3Vyc29y"):
        response = await gateway.client.get(f"{CASES}{query}", headers=gateway.headers())
        assert_problem(response, 422, "invalid-cursor")
    for query in ("?limit=0", "?limit=201", "?estado=abierto"):  # a parameter it does not know too
        response = await gateway.client.get(f"{CASES}{query}", headers=gateway.headers())
        assert_problem(response, 422, "validation-error")


async def test_the_autorizado_sees_no_clerk_in_a_row_and_the_back_office_does(gateway: Gateway) -> None:
    number = add(gateway, 1, substatus=Substatus.ASSIGNED, assignee=CLERK)

    mine = await gateway.client.get(CASES, headers=gateway.headers())
    queue = await gateway.client.get(QUEUE, headers=clerk_headers(gateway))

    assert mine.json()["cases"][0]["assignee"] == {"nif": None, "name": "Tramitador TGSS"}
    row = queue.json()["cases"][0]
    assert (row["case_number"], row["assignee"]["nif"]) == (number, CLERK)


async def test_the_queue_puts_the_current_period_first_then_the_oldest(gateway: Gateway) -> None:
    old = add(gateway, 1, opened_at=IN_FEBRUARY)
    new = add(gateway, 2)
    urgent = add(gateway, 3, urgent=True)
    add(gateway, 4, substatus=Substatus.RESOLVED)
    other = add(gateway, 5, authorization=OTHER.number)
    headers = clerk_headers(gateway)

    assert await found(gateway, url=QUEUE, **headers) == [urgent, old, new, other]
    assert await found(gateway, "?affects_current_period=false&limit=1", url=QUEUE, **headers) == [old]


async def test_the_queue_filters_on_assignee_substatus_and_subject(gateway: Gateway) -> None:
    taken = add(gateway, 1, substatus=Substatus.ASSIGNED, assignee=CLERK)
    escalated = add(gateway, 2, substatus=Substatus.ESCALATED, subject="cotizacion")
    resolved = add(gateway, 3, substatus=Substatus.RESOLVED, assignee=CLERK)
    headers = clerk_headers(gateway)

    assert await found(gateway, f"?assignee={CLERK}", url=QUEUE, **headers) == [taken]
    assert await found(gateway, f"?assignee={CLERK}&status=all", url=QUEUE, **headers) == [taken, resolved]
    assert await found(gateway, "?substatus=escalated", url=QUEUE, **headers) == [escalated]
    assert await found(gateway, "?subject=cotizacion", url=QUEUE, **headers) == [escalated]


async def test_the_queue_is_for_clerks_and_the_search_for_autorizados(gateway: Gateway) -> None:
    assert_problem(await gateway.client.get(QUEUE, headers=gateway.headers()), 403, "forbidden")
    assert_problem(await gateway.client.get(CASES, headers=clerk_headers(gateway)), 403, "forbidden")
    assert_problem(await gateway.client.get(QUEUE), 401, "unauthorized")
