"""What the gateway answers to bad or unauthorised requests: problem+json, and nothing changes."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest

from casia_intake.auth import Role

from .conftest import Autorizado, new_autorizado
from .journeys import CONSULTA, open_case, stored_case

pytestmark = pytest.mark.e2e

PROBLEM = "application/problem+json"


async def test_without_a_token_the_answer_is_401_problem_json(
    client: httpx.AsyncClient, autorizado: Autorizado
) -> None:
    response = await client.post(autorizado.cases_path, json=CONSULTA)

    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "/problems/unauthorized"


async def test_unsigned_and_foreign_tokens_are_refused(client: httpx.AsyncClient) -> None:
    claims = {
        "sub": "12345678Z",
        "name": "X",
        "roles": ["autorizado"],
        "iss": "casia-local",
        "aud": "casia",
        "exp": int(time.time()) + 60,
    }
    unsigned = jwt.encode(claims, key="", algorithm="none")
    foreign = jwt.encode(claims, key="another-secret-of-thirty-two-bytes!!", algorithm="HS256")

    for token in (unsigned, foreign):
        response = await client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert response.json()["type"] == "/problems/invalid-token"


async def test_an_authorization_the_token_does_not_hold_is_403(
    client: httpx.AsyncClient, autorizado: Autorizado
) -> None:
    response = await client.post("/v1/authorizations/1/cases", json=CONSULTA, headers=autorizado.headers)

    assert response.status_code == 403
    assert response.json()["type"] == "/problems/authorization-not-held"


async def test_a_clerk_without_the_autorizado_role_cannot_open_cases(client: httpx.AsyncClient) -> None:
    clerk = new_autorizado(roles=(Role.TRAMITADOR,))

    response = await client.post(clerk.cases_path, json=CONSULTA, headers=clerk.headers)

    assert response.status_code == 403


async def test_another_authorizations_case_is_not_found(
    client: httpx.AsyncClient, autorizado: Autorizado
) -> None:
    opened = await open_case(client, autorizado.cases_path, autorizado.headers)
    case_number = opened.json()["case_number"]
    stranger = new_autorizado()

    response = await client.get(f"{stranger.cases_path}/{case_number}", headers=stranger.headers)

    assert response.status_code == 404
    assert response.json()["type"] == "/problems/case-not-found"


async def test_an_invalid_catalog_node_and_check_digits_are_422_with_every_problem(
    client: httpx.AsyncClient, autorizado: Autorizado
) -> None:
    body = {
        **CONSULTA,
        "subject": "cotizacion",
        "category": "recargos",
        "additional_data": {"period": "2026-13", "ccc": "28123456700"},
    }

    response = await open_case(client, autorizado.cases_path, autorizado.headers, body)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "/problems/catalog-violation"
    assert {e["field"] for e in problem["errors"]} == {"period", "ccc"}


async def test_a_malformed_body_is_422_and_allocates_no_case(
    client: httpx.AsyncClient, autorizado: Autorizado
) -> None:
    response = await open_case(
        client, autorizado.cases_path, autorizado.headers, {**CONSULTA, "case_type": "queja"}
    )

    assert response.status_code == 422
    assert response.json()["type"] == "/problems/validation-error"


async def test_the_same_idempotency_key_opens_one_case(
    client: httpx.AsyncClient, autorizado: Autorizado
) -> None:
    headers = {**autorizado.headers, "Idempotency-Key": f"alta-{time.time_ns()}"}

    first = await open_case(client, autorizado.cases_path, headers)
    again = await open_case(client, autorizado.cases_path, headers)
    different = await open_case(client, autorizado.cases_path, headers, {**CONSULTA, "title": "Otro"})

    assert first.status_code in (201, 202) and again.status_code in (201, 202)
    assert first.json()["case_number"] == again.json()["case_number"]
    assert different.status_code == 422
    assert different.json()["type"] == "/problems/idempotency-key-reused"
    case = await stored_case(client, first.headers["Location"], autorizado.headers)
    assert case["version"] == 1


async def test_me_lists_the_callers_authorizations(client: httpx.AsyncClient, autorizado: Autorizado) -> None:
    me = (await client.get("/v1/me", headers=autorizado.headers)).json()

    assert me["nif"] == autorizado.nif
    assert [a["number"] for a in me["authorizations"]] == [autorizado.authorization.number]


async def test_the_catalog_is_served_with_its_document_types(
    client: httpx.AsyncClient, autorizado: Autorizado
) -> None:
    catalog = (await client.get("/v1/catalog", headers=autorizado.headers)).json()

    assert {t["code"] for t in catalog["case_types"]} == {"consulta", "error_incidencia", "tramite"}
    assert catalog["document_types"]
