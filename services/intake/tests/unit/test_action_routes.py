"""Actions on a case over HTTP, with every port faked: what the gateway refuses at once, how the
workflow's outcome is answered, idempotency, and who sees what."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from casia_contracts import commands as c
from casia_contracts.values import ActorKind, Status, Substatus
from casia_intake.auth import Role
from casia_read_models import StoredActor, StoredCase, StoredHistoryEntry, StoredPerson

from ..builders import T0, stored_case
from ..gateway import CASES, OTHER, Gateway, assert_problem, serving_fakes

NUMBER = "CAS-2026-0000042"
CASE = f"{CASES}/{NUMBER}"
BACKOFFICE = f"/v1/backoffice/cases/{NUMBER}"
CLERK = StoredPerson(nif="00000000T", name="Luis Gómez")


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    async with serving_fakes() as serving:
        yield serving


def case(substatus: Substatus, *, allowed: tuple[str, ...], version: int = 3, **more: Any) -> StoredCase:
    status = Status.CLOSED if substatus in {Substatus.RESOLVED, Substatus.ANNULLED} else Status.OPEN
    fields = {"substatus": substatus, "status": status, "allowed_actions": list(allowed), "version": version}
    return stored_case(NUMBER).model_copy(update={**fields, **more})


def clerk_headers(gateway: Gateway) -> dict[str, str]:
    return gateway.headers(roles=[Role.TRAMITADOR], authorizations=[])


# --- what the gateway sees for sure ---------------------------------------------------------------


async def test_an_action_the_case_does_not_allow_now_is_409_and_nothing_is_sent(gateway: Gateway) -> None:
    gateway.cases.add(case(Substatus.ASSIGNED, allowed=("add_information", "request_annulment")))

    response = await gateway.client.post(f"{CASE}/rating", json={"score": 5}, headers=gateway.headers())

    assert_problem(response, 409, "action-not-allowed")
    assert response.json()["reason_code"] == "illegal_transition"
    assert "Abierto/" in response.json()["detail"]
    assert gateway.sender.sent == []


async def test_an_if_match_for_another_version_is_412_and_nothing_is_sent(gateway: Gateway) -> None:
    gateway.cases.add(case(Substatus.RESOLVED, allowed=("rate",), version=5))

    stale = await gateway.client.post(
        f"{CASE}/rating", json={"score": 5}, headers={**gateway.headers(), "If-Match": '"4"'}
    )
    malformed = await gateway.client.post(
        f"{CASE}/rating", json={"score": 5}, headers={**gateway.headers(), "If-Match": "4"}
    )

    assert_problem(stale, 412, "precondition-failed")
    assert_problem(malformed, 422, "invalid-if-match")
    assert gateway.sender.sent == []


async def test_another_authorizations_case_is_404_for_every_action(gateway: Gateway) -> None:
    gateway.cases.add(case(Substatus.ASSIGNED, allowed=("add_information",), authorization=OTHER))

    for path, body in [
        ("information", {"text": "x"}),
        ("annulment", {"reason": "x"}),
        ("rating", {"score": 1}),
    ]:
        response = await gateway.client.post(f"{CASE}/{path}", json=body, headers=gateway.headers())
        assert_problem(response, 404, "case-not-found")
    assert gateway.sender.sent == []


# --- the workflow's outcome -----------------------------------------------------------------------


async def test_an_applied_rating_is_200_with_the_case_and_its_etag(gateway: Gateway) -> None:
    gateway.cases.add(case(Substatus.RESOLVED, allowed=("rate",), version=5))
    gateway.workflow_leaves(case(Substatus.RESOLVED, allowed=(), version=6))

    response = await gateway.client.post(
        f"{CASE}/rating",
        json={"score": 4, "observations": "Rápido"},
        headers={**gateway.headers(), "If-Match": '"5"'},
    )

    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"6"'
    assert response.headers["Location"] == CASE
    assert response.json()["version"] == 6
    [sent] = gateway.sender.sent
    assert isinstance(sent.command, c.RateCase)
    assert sent.command == c.RateCase(
        case_number=NUMBER, by=sent.command.by, expected_version=5, score=4, observations="Rápido"
    )


async def test_a_refusal_of_the_workflow_is_409_naming_the_rule_and_a_stale_one_412(gateway: Gateway) -> None:
    gateway.cases.add(case(Substatus.ASSIGNED, allowed=("request_annulment",)))
    gateway.workflow_refuses("illegal_transition", "No se puede «Solicitar anulación» ahora.")
    refused = await gateway.client.post(
        f"{CASE}/annulment", json={"reason": "Duplicado"}, headers=gateway.headers()
    )
    gateway.workflow_refuses("stale_version", "El caso ha cambiado desde que lo consultó.")
    stale = await gateway.client.post(f"{CASE}/annulment", json={"reason": "Otro"}, headers=gateway.headers())

    assert_problem(refused, 409, "command-refused")
    assert (refused.json()["reason_code"], refused.json()["detail"]) == (
        "illegal_transition",
        "No se puede «Solicitar anulación» ahora.",
    )
    assert_problem(stale, 412, "precondition-failed")


async def test_an_outcome_not_known_in_time_is_202_with_the_case_location(gateway: Gateway) -> None:
    gateway.cases.add(case(Substatus.ASSIGNED, allowed=("add_information",)))

    response = await gateway.client.post(
        f"{CASE}/information", json={"text": "Adjunto datos."}, headers=gateway.headers()
    )

    assert response.status_code == 202, response.text
    assert response.headers["Location"] == CASE
    assert response.json() == {"case_number": NUMBER, "location": CASE, "status": "accepted"}


async def test_the_same_key_and_body_get_the_same_answer_once_sent_another_body_422(gateway: Gateway) -> None:
    gateway.cases.add(case(Substatus.RESOLVED, allowed=("rate",), version=5))
    gateway.workflow_leaves(case(Substatus.RESOLVED, allowed=(), version=6))
    headers = {**gateway.headers(), "Idempotency-Key": "valoracion-1"}

    first = await gateway.client.post(f"{CASE}/rating", json={"score": 4}, headers=headers)
    again = await gateway.client.post(f"{CASE}/rating", json={"score": 4}, headers=headers)  # case rated now
    other = await gateway.client.post(f"{CASE}/rating", json={"score": 1}, headers=headers)

    assert (first.status_code, again.status_code) == (200, 200)
    assert len(gateway.sender.sent) == 1
    assert_problem(other, 422, "idempotency-key-reused")


# --- roles ---------------------------------------------------------------------------------------


async def test_a_clerk_on_an_autorizado_route_and_an_autorizado_in_the_back_office_are_403(
    gateway: Gateway,
) -> None:
    gateway.cases.add(case(Substatus.SUBMITTED, allowed=("assign", "add_information")))

    clerk_as_autorizado = await gateway.client.post(
        f"{CASE}/information", json={"text": "x"}, headers=clerk_headers(gateway)
    )
    autorizado_in_back_office = await gateway.client.post(
        f"{BACKOFFICE}/assignment", headers=gateway.headers()
    )
    detail = await gateway.client.get(BACKOFFICE, headers=gateway.headers())

    assert_problem(clerk_as_autorizado, 403, "forbidden")
    assert_problem(autorizado_in_back_office, 403, "forbidden")
    assert_problem(detail, 403, "forbidden")
    assert gateway.sender.sent == []


# --- the back office -----------------------------------------------------------------------------


async def test_a_clerk_assigns_to_a_named_clerk_whose_nif_is_checked(gateway: Gateway) -> None:
    gateway.cases.add(case(Substatus.SUBMITTED, allowed=("assign",)))
    named = {"assignee": {"nif": "00000000t", "name": "Luis Gómez"}}

    bad = await gateway.client.post(
        f"{BACKOFFICE}/assignment",
        json={"assignee": {"nif": "00000000X", "name": "x"}},
        headers=clerk_headers(gateway),
    )
    good = await gateway.client.post(f"{BACKOFFICE}/assignment", json=named, headers=clerk_headers(gateway))
    to_self = await gateway.client.post(f"{BACKOFFICE}/assignment", headers=clerk_headers(gateway))

    assert_problem(bad, 422, "validation-error")
    assert (good.status_code, to_self.status_code) == (202, 202)
    first, second = (s.command for s in gateway.sender.sent)
    assert isinstance(first, c.AssignCase) and isinstance(second, c.AssignCase)
    assert first.assignee is not None and (first.assignee.nif, first.assignee.name) == (
        "00000000T",
        "Luis Gómez",
    )
    assert second.assignee is None  # the caller takes it


async def test_rejecting_an_annulment_needs_a_reason_approving_does_not(gateway: Gateway) -> None:
    gateway.cases.add(case(Substatus.ANNULMENT_REQUESTED, allowed=("approve_annulment", "reject_annulment")))
    decision = f"{BACKOFFICE}/annulment-decision"

    unexplained = await gateway.client.post(decision, json={"approve": False}, headers=clerk_headers(gateway))
    approved = await gateway.client.post(decision, json={"approve": True}, headers=clerk_headers(gateway))

    assert_problem(unexplained, 422, "validation-error")
    assert approved.status_code == 202
    [sent] = gateway.sender.sent
    assert isinstance(sent.command, c.DecideAnnulment) and sent.command.approve


async def test_the_autorizado_never_sees_a_clerks_identity_or_notes_the_back_office_does(
    gateway: Gateway,
) -> None:
    clerk = StoredActor(kind=ActorKind.TRAMITADOR, nif=CLERK.nif, name=CLERK.name)
    escalated = StoredHistoryEntry(
        status=Status.OPEN,
        status_label="Abierto",
        substatus=Substatus.ESCALATED,
        substatus_label="Escalado",
        at=T0 + timedelta(hours=1),
        actor=clerk,
        observations="Caso escalado",
        note="Consultar con normativa",
    )
    stored = case(Substatus.ESCALATED, allowed=("assign", "add_information"), assignee=CLERK)
    gateway.cases.add(stored.model_copy(update={"history": [*stored.history, escalated]}))

    mine = (await gateway.client.get(f"{CASE}/history", headers=gateway.headers())).json()
    detail = (await gateway.client.get(CASE, headers=gateway.headers())).json()
    theirs = (await gateway.client.get(f"{BACKOFFICE}/history", headers=clerk_headers(gateway))).json()
    clerk_detail = (await gateway.client.get(BACKOFFICE, headers=clerk_headers(gateway))).json()

    assert mine["entries"][-1]["actor"] == {"kind": "tramitador", "nif": None, "name": "Tramitador TGSS"}
    assert mine["entries"][-1]["note"] is None
    assert detail["assignee"] == {"nif": None, "name": "Tramitador TGSS"}
    assert detail["allowed_actions"] == ["add_information"]
    assert theirs["entries"][-1]["actor"]["name"] == "Luis Gómez"
    assert theirs["entries"][-1]["note"] == "Consultar con normativa"
    assert clerk_detail["assignee"] == {"nif": "00000000T", "name": "Luis Gómez"}
    assert clerk_detail["allowed_actions"] == ["assign"]
