"""Opening and reading cases over HTTP, with every port faked: status, body, headers, commands."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from casia_contracts.commands import OpenCase
from casia_contracts.values import Channel

from ..builders import AUTHORIZATION, AUTORIZADO, stored_case
from ..gateway import BODY, CASES, FIRST_NUMBER, OTHER, Gateway, assert_problem, serving_fakes


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    async with serving_fakes() as serving:
        yield serving


# --- opening a case ------------------------------------------------------------------------------


async def test_a_catalog_violation_is_422_listing_every_problem(gateway: Gateway) -> None:
    bajas = {
        **BODY,
        "case_type": "tramite",
        "subject": "afiliacion",
        "category": "altas_bajas",
        "subcategory": "bajas_trabajadores_cuenta_ajena",
        "additional_data": {"ccc": "28123456743", "extra": "1"},  # bad check digits, unknown, no NAF
    }

    response = await gateway.client.post(CASES, json=bajas, headers=gateway.headers())

    assert_problem(response, 422, "catalog-violation")
    assert [e["field"] for e in response.json()["errors"]] == ["extra", "ccc", "naf"]
    assert all(e["message"] for e in response.json()["errors"])
    assert gateway.sender.sent == []


async def test_a_malformed_body_is_422_validation_error_naming_each_field(gateway: Gateway) -> None:
    body = {**BODY, "case_type": "queja", "unexpected": 1}
    del body["title"]

    response = await gateway.client.post(CASES, json=body, headers=gateway.headers())

    assert_problem(response, 422, "validation-error")
    errors = response.json()["errors"]
    assert {tuple(e["location"]) for e in errors} == {
        ("body", "case_type"),
        ("body", "title"),
        ("body", "unexpected"),
    }
    assert all(e["message"] and e["kind"] for e in errors)
    assert gateway.sender.sent == []


async def test_opening_answers_201_with_the_case_once_the_read_store_has_it(gateway: Gateway) -> None:
    gateway.workflow_leaves(stored_case(FIRST_NUMBER))

    response = await gateway.client.post(CASES, json=BODY, headers=gateway.headers())

    assert response.status_code == 201, response.text
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"] == f"{CASES}/{FIRST_NUMBER}"
    assert response.json()["case_number"] == FIRST_NUMBER
    assert (response.json()["status"], response.json()["substatus"]) == ("open", "submitted")
    [command] = gateway.sent_commands()
    assert command.case_number == FIRST_NUMBER


async def test_opening_answers_202_with_location_while_the_case_is_not_stored(gateway: Gateway) -> None:
    response = await gateway.client.post(CASES, json=BODY, headers=gateway.headers())

    assert response.status_code == 202, response.text
    location = f"{CASES}/{FIRST_NUMBER}"
    assert response.headers["Location"] == location
    assert response.json() == {"case_number": FIRST_NUMBER, "location": location, "status": "accepted"}


async def test_the_command_sent_is_what_the_caller_asked_for(gateway: Gateway) -> None:
    headers = {**gateway.headers(), "X-Casia-Channel": "web", "X-Request-ID": "req-0001"}

    await gateway.client.post(CASES, json=BODY, headers=headers)

    [sent] = gateway.sender.sent
    assert sent.command == OpenCase.model_validate(
        {
            "case_number": FIRST_NUMBER,
            "authorization": AUTHORIZATION.model_dump(),
            "opened_by": AUTORIZADO.model_dump(),
            "channel": Channel.WEB,
            "classification": {k: BODY[k] for k in ("case_type", "subject", "category")},
            "affects_current_period": False,
            "title": BODY["title"],
            "description": BODY["description"],
            "additional_data": {},
            "documents": [],
        }
    )
    assert (sent.correlation_id, sent.at) == ("req-0001", gateway.clock.now)


async def test_an_unacknowledged_command_is_503_with_retry_after(gateway: Gateway) -> None:
    gateway.sender.down = True

    response = await gateway.client.post(CASES, json=BODY, headers=gateway.headers())

    assert_problem(response, 503, "broker-unavailable")
    assert response.headers["Retry-After"] == "7"
    assert gateway.sender.refused == 1


async def test_a_repeat_with_the_same_idempotency_key_answers_the_same_case(gateway: Gateway) -> None:
    headers = {**gateway.headers(), "Idempotency-Key": uuid.uuid4().hex}

    first = await gateway.client.post(CASES, json=BODY, headers=headers)
    repeat = await gateway.client.post(CASES, json=BODY, headers=headers)

    assert repeat.status_code == first.status_code == 202
    assert repeat.json()["case_number"] == first.json()["case_number"]
    assert len(gateway.sender.sent) == 1


async def test_an_idempotency_key_reused_with_another_body_is_422(gateway: Gateway) -> None:
    headers = {**gateway.headers(), "Idempotency-Key": uuid.uuid4().hex}
    await gateway.client.post(CASES, json=BODY, headers=headers)

    response = await gateway.client.post(CASES, json={**BODY, "title": "Otra"}, headers=headers)

    assert_problem(response, 422, "idempotency-key-reused")
    assert len(gateway.sender.sent) == 1


# --- reading cases -------------------------------------------------------------------------------


async def test_a_case_is_read_through_its_own_authorization(gateway: Gateway) -> None:
    gateway.cases.add(stored_case(FIRST_NUMBER))

    case = await gateway.client.get(f"{CASES}/{FIRST_NUMBER}", headers=gateway.headers())
    history = await gateway.client.get(f"{CASES}/{FIRST_NUMBER}/history", headers=gateway.headers())

    assert case.status_code == 200
    assert case.json()["authorization"] == AUTHORIZATION.model_dump()
    assert history.status_code == 200
    assert [e["observations"] for e in history.json()["entries"]] == ["Alta del caso"]


async def test_a_case_of_another_authorization_is_404(gateway: Gateway) -> None:
    gateway.cases.add(stored_case(FIRST_NUMBER, authorization=OTHER))
    headers = gateway.headers(authorizations=[AUTHORIZATION, OTHER])  # holds both

    case = await gateway.client.get(f"{CASES}/{FIRST_NUMBER}", headers=headers)
    history = await gateway.client.get(f"{CASES}/{FIRST_NUMBER}/history", headers=headers)

    assert_problem(case, 404, "case-not-found")
    assert_problem(history, 404, "case-not-found")


async def test_an_unknown_case_is_404(gateway: Gateway) -> None:
    response = await gateway.client.get(f"{CASES}/CAS-2026-9999999", headers=gateway.headers())

    assert_problem(response, 404, "case-not-found")
