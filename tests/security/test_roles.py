"""Roles are not escalated (API.md "Identity": 403 for a role the token does not hold): an
autorizado's token is refused on every back-office route, even for their own case, and a
clerk's on every route under an authorization, even one its token names. Routes are read from
the running gateway's OpenAPI document; nothing changes."""

from __future__ import annotations

import httpx
import pytest

from casia_intake.auth import Role

from ..conftest import Autorizado, new_autorizado, new_tramitador
from .conftest import Victim
from .support import Route, assert_problem, call_of, case_state, under

pytestmark = pytest.mark.e2e

BACKOFFICE_AT_LEAST = 13  # queue, counts, detail, history, 6 actions, document, receipts, receipt


def callers_without_the_clerk_role(victim: Victim) -> dict[str, Autorizado]:
    holder = victim.holder.authorization
    return {
        "the case's own autorizado": victim.holder,
        "a token with no role": new_autorizado(roles=(), authorizations=(holder,)),
    }


def callers_without_the_autorizado_role(victim: Victim) -> dict[str, dict[str, str]]:
    holder = victim.holder.authorization
    return {
        "a clerk": new_tramitador().headers,
        "a clerk whose token names the authorization": new_autorizado(
            roles=(Role.TRAMITADOR,), authorizations=(holder,)
        ).headers,
        "a token with no role": new_autorizado(roles=(), authorizations=(holder,)).headers,
    }


async def test_every_backoffice_route_refuses_a_token_without_the_clerk_role(
    session_client: httpx.AsyncClient, routes: list[Route], victim: Victim
) -> None:
    backoffice = under(routes, "/v1/backoffice/")
    assert len(backoffice) >= BACKOFFICE_AT_LEAST, [r.name for r in backoffice]
    calls = [call_of(r, victim.values()) for r in backoffice]
    before = await case_state(session_client, victim.case_path, victim.holder.headers)

    for who, caller in callers_without_the_clerk_role(victim).items():
        for call in calls:
            answer = await call.send(session_client, caller.headers)
            assert answer.status_code == 403, (who, call.route.name, answer.text)
            assert_problem(answer, 403, "forbidden")

    assert await case_state(session_client, victim.case_path, victim.holder.headers) == before


async def test_a_clerk_reads_every_backoffice_route(
    session_client: httpx.AsyncClient, routes: list[Route], victim: Victim
) -> None:
    """The control of the test above: the same reads with a clerk's token succeed."""
    reads = [r for r in under(routes, "/v1/backoffice/") if r.method == "GET"]
    clerk = new_tramitador()

    answers = {r.name: await call_of(r, victim.values()).send(session_client, clerk.headers) for r in reads}

    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 200)


async def test_every_route_under_an_authorization_refuses_a_token_without_the_autorizado_role(
    session_client: httpx.AsyncClient, routes: list[Route], victim: Victim
) -> None:
    autorizado_only = under(routes, "/v1/authorizations/")
    calls = [call_of(r, victim.values()) for r in autorizado_only]
    holder = victim.holder
    contact_path = f"/v1/authorizations/{holder.authorization.number}/contact"
    before = await case_state(session_client, victim.case_path, holder.headers)
    contact = (await session_client.get(contact_path, headers=holder.headers)).json()

    for who, headers in callers_without_the_autorizado_role(victim).items():
        for call in calls:
            answer = await call.send(session_client, headers)
            assert answer.status_code == 403, (who, call.route.name, answer.text)
            assert_problem(answer, 403, "forbidden")

    assert await case_state(session_client, victim.case_path, holder.headers) == before
    assert (await session_client.get(contact_path, headers=holder.headers)).json() == contact


async def test_who_am_i_and_the_catalog_answer_either_role(session_client: httpx.AsyncClient) -> None:
    """The two routes outside both prefixes are for any signed-in user (API.md), so they are
    not "autorizado-only": a clerk reads them as well."""
    clerk = new_tramitador()

    me = await session_client.get("/v1/me", headers=clerk.headers)
    catalog = await session_client.get("/v1/catalog", headers=clerk.headers)

    assert (me.status_code, catalog.status_code) == (200, 200)
    assert me.json()["roles"] == ["tramitador"] and me.json()["authorizations"] == []
