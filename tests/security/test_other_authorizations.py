"""A case is seen and changed only under its own authorization (API.md "Identity"): every route
that takes a case answers 404 to the holder of another authorization, every route under an
authorization the token does not hold answers 403, and neither changes anything.

The routes are read from the running gateway's OpenAPI document, so a new route is covered
without editing this file (or fails it, until :mod:`.support` knows how to call it). The
hand-listed versions of these checks live in tests/test_lifecycle_rules.py and
tests/test_gateway_answers.py; this suite is the exhaustive one.

Downloads are streamed through the gateway and authorised on each request: the gateway hands out
no presigned URL of the object store (nothing under services/ makes one), so "presigned URL
expiry and scope" (issue 9) is checked as "every download asks who is calling".
"""

from __future__ import annotations

import hashlib

import httpx
import pytest

from ..conftest import new_autorizado, new_tramitador
from .conftest import Victim
from .support import Route, assert_problem, call_of, case_state, under

pytestmark = pytest.mark.e2e

ON_A_CASE_AT_LEAST = 9  # detail, history, 4 actions, document, receipts, receipt (API.md)
UNDER_AN_AUTHORIZATION_AT_LEAST = ON_A_CASE_AT_LEAST + 4  # and search, alta, contact (GET, PUT)


async def test_every_route_on_a_case_answers_404_for_another_authorizations_case(
    session_client: httpx.AsyncClient, routes: list[Route], victim: Victim
) -> None:
    intruder = new_autorizado()  # holds authorization A; the case is B's
    on_a_case = under(routes, "/v1/authorizations/", needs="case_number")
    assert len(on_a_case) >= ON_A_CASE_AT_LEAST, [r.name for r in on_a_case]
    calls = [call_of(r, victim.values(intruder.authorization.number)) for r in on_a_case]
    before = await case_state(session_client, victim.case_path, victim.holder.headers)

    answers = [await call.send(session_client, intruder.headers) for call in calls]

    for answer in answers:
        assert_problem(answer, 404, "case-not-found")
        assert victim.case_number not in answer.text
    assert await case_state(session_client, victim.case_path, victim.holder.headers) == before


async def test_the_case_holder_reads_every_one_of_those_routes(
    session_client: httpx.AsyncClient, routes: list[Route], victim: Victim
) -> None:
    """The control of the test above: the same reads, by the case's own authorization, succeed
    (so the 404s come from whose case it is, not from a path this suite fills in wrongly)."""
    reads = [r for r in under(routes, "/v1/authorizations/", needs="case_number") if r.method == "GET"]

    answers = {
        r.name: await call_of(r, victim.values()).send(session_client, victim.holder.headers) for r in reads
    }

    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 200)


async def test_every_route_under_an_authorization_the_token_does_not_hold_is_403(
    session_client: httpx.AsyncClient, routes: list[Route], victim: Victim
) -> None:
    intruder = new_autorizado()
    under_b = under(routes, "/v1/authorizations/")
    assert len(under_b) >= UNDER_AN_AUTHORIZATION_AT_LEAST, [r.name for r in under_b]
    calls = [call_of(r, victim.values()) for r in under_b]
    holder = victim.holder
    contact_path = f"/v1/authorizations/{holder.authorization.number}/contact"
    before = await case_state(session_client, victim.case_path, holder.headers)
    contact = (await session_client.get(contact_path, headers=holder.headers)).json()

    answers = [await call.send(session_client, intruder.headers) for call in calls]

    for answer in answers:
        assert_problem(answer, 403, "authorization-not-held")
    assert await case_state(session_client, victim.case_path, holder.headers) == before
    assert (await session_client.get(contact_path, headers=holder.headers)).json() == contact
    listed = await session_client.get(holder.cases_path, params={"status": "all"}, headers=holder.headers)
    assert [c["case_number"] for c in listed.json()["cases"]] == [victim.case_number]  # no alta slipped in


async def test_every_download_is_authorised_on_the_request_and_streamed_not_redirected(
    session_client: httpx.AsyncClient, victim: Victim
) -> None:
    holder, intruder, clerk = victim.holder, new_autorizado(), new_tramitador()
    document = f"/cases/{victim.case_number}/documents/{victim.document_id}"
    receipt = f"/cases/{victim.case_number}/receipts/{victim.receipt_id}"
    case = (await session_client.get(victim.case_path, headers=holder.headers)).json()
    fingerprints = {document: case["documents"][0]["sha256"], receipt: case["receipts"][0]["pdf_sha256"]}
    for path, sha256 in fingerprints.items():
        mine = f"/v1/authorizations/{holder.authorization.number}{path}"
        as_intruder = f"/v1/authorizations/{intruder.authorization.number}{path}"

        first = await session_client.get(mine, headers=holder.headers)
        anonymous = await session_client.get(mine)
        refused = await session_client.get(as_intruder, headers=intruder.headers)
        not_held = await session_client.get(mine, headers=intruder.headers)
        clerks = await session_client.get(f"/v1/backoffice{path}", headers=clerk.headers)
        again = await session_client.get(mine, headers=holder.headers)

        assert first.status_code == clerks.status_code == again.status_code == 200, (first.text, clerks.text)
        assert "location" not in first.headers and first.headers["cache-control"] == "private, no-store"
        assert first.content == clerks.content == again.content
        assert hashlib.sha256(first.content).hexdigest() == sha256
        assert_problem(anonymous, 401, "unauthorized")
        assert_problem(refused, 404, "case-not-found")
        assert_problem(not_held, 403, "authorization-not-held")
    assert "X-Amz-" not in str(case)  # no presigned URL of the store in the case either
