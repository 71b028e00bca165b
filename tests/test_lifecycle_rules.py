"""The rules that hold whoever acts and whenever: the 20-day closure, two clerks at once, one
user's authorizations kept apart, and who may call what — against the running system."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import httpx
import jwt
import pytest

from casia_local.auth import dev_secret
from casia_local.settings import Settings
from casia_runtime.clock import utc_now_ms
from casia_runtime.testing.mongo import mongo_client
from casia_workflow.adapters.mongo import CaseStore
from casia_workflow.adapters.unit_of_work import workflow_transactions
from casia_workflow.service.handling import Workflow
from casia_workflow.settings import WorkflowSettings

from .conftest import Autorizado, Tramitador, new_autorizado, new_tramitador
from .journeys import CONSULTA, act, consented, notices_about, open_case

pytestmark = pytest.mark.e2e


async def opened(client: httpx.AsyncClient, autorizado: Autorizado) -> tuple[str, str, str]:
    response = await open_case(client, autorizado.cases_path, autorizado.headers)
    assert response.status_code == 201, response.text
    number: str = response.json()["case_number"]
    return number, f"{autorizado.cases_path}/{number}", Tramitador.case_path(number)


async def test_a_consulta_left_20_days_without_the_information_is_closed_ex_officio_once(
    client: httpx.AsyncClient, autorizado: Autorizado, tramitador: Tramitador, email: str, mail_api_url: str
) -> None:
    await consented(client, autorizado.authorization.number, autorizado.headers, email)
    number, mine, theirs = await opened(client, autorizado)
    await act(client, f"{theirs}/assignment", tramitador.headers)
    await act(client, f"{theirs}/information-request", tramitador.headers, {"message": "Aporte el parte."})

    # Two timers of the workflow, with the clock injected 21 days ahead, sweep at once.
    settings = WorkflowSettings()
    async with mongo_client(settings) as mongo:
        db = mongo[settings.mongo_db]
        later = utc_now_ms() + timedelta(days=21)

        def timer() -> Workflow:
            return Workflow(
                transactions=workflow_transactions(mongo, db),
                deadlines=CaseStore(db),
                clock=lambda: later,
                on_commit=lambda: None,  # the stack's relay finds the events by polling
            )

        await asyncio.gather(timer().close_due_cases(limit=10_000), timer().close_due_cases(limit=10_000))

    case = (await client.get(mine, headers=autorizado.headers)).json()
    history = (await client.get(f"{mine}/history", headers=autorizado.headers)).json()["entries"]
    assert (case["status"], case["substatus"]) == ("closed", "closed_ex_officio")
    assert [e["substatus"] for e in history].count("closed_ex_officio") == 1  # closed once
    [notice] = await notices_about(mail_api_url, email, number, subjects=["cerrado de oficio"])
    assert "20 días naturales" in notice["Text"]


async def test_two_clerks_resolving_one_case_at_once_one_wins(
    client: httpx.AsyncClient, autorizado: Autorizado, tramitador: Tramitador
) -> None:
    other = new_tramitador("Marta Ruiz")
    _, mine, theirs = await opened(client, autorizado)
    taken = await act(client, f"{theirs}/assignment", tramitador.headers)
    seen = {"If-Match": f'"{taken["version"]}"'}

    answers = await asyncio.gather(
        client.post(
            f"{theirs}/resolution", json={"answer": "Respuesta A"}, headers={**tramitador.headers, **seen}
        ),
        client.post(
            f"{theirs}/resolution", json={"answer": "Respuesta B"}, headers={**other.headers, **seen}
        ),
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses[0] == 200 and statuses[1] in (409, 412), [a.text for a in answers]
    history = (await client.get(f"{mine}/history", headers=autorizado.headers)).json()["entries"]
    assert [e["substatus"] for e in history].count("resolved") == 1


async def test_a_user_with_two_authorizations_sees_each_ones_cases_only_under_it(
    client: httpx.AsyncClient,
) -> None:
    first, second = new_autorizado(), new_autorizado()
    both = new_autorizado(authorizations=(first.authorization, second.authorization))
    one = await open_case(client, f"/v1/authorizations/{first.authorization.number}/cases", both.headers)
    two = await open_case(client, f"/v1/authorizations/{second.authorization.number}/cases", both.headers)
    one_number, two_number = one.json()["case_number"], two.json()["case_number"]

    own = await client.get(
        f"/v1/authorizations/{first.authorization.number}/cases/{one_number}", headers=both.headers
    )
    crossed = await client.get(
        f"/v1/authorizations/{first.authorization.number}/cases/{two_number}", headers=both.headers
    )
    stranger = await client.get(
        f"/v1/authorizations/{first.authorization.number}/cases/{one_number}", headers=second.headers
    )

    assert own.status_code == 200
    assert crossed.status_code == 404 and crossed.json()["type"] == "/problems/case-not-found"
    assert stranger.status_code == 403  # the authorization is not theirs at all


def forged(autorizado: Autorizado, *, key: str, **claims: object) -> dict[str, str]:
    payload = {
        "sub": autorizado.nif,
        "name": autorizado.name,
        "roles": ["autorizado", "tramitador"],
        "authorizations": [autorizado.authorization.model_dump()],
        "iss": "casia-local",
        "aud": "casia",
        "exp": int(time.time()) + 300,
        **claims,
    }
    return {"Authorization": f"Bearer {jwt.encode(payload, key=key)}"}


Actions = dict[str, dict[str, object]]

AUTORIZADO_ACTIONS: Actions = {
    "information": {"text": "Más datos."},
    "reclassification": {
        "case_type": "consulta",
        "subject": "gestion_autorizaciones",
        "category": "datos_contacto",
    },
    "annulment": {"reason": "Ya no procede."},
    "rating": {"score": 5},
}
BACKOFFICE_ACTIONS: Actions = {
    "assignment": {},
    "escalation": {"observations": "Al área de cotización."},
    "information-request": {"message": "Aporte el parte."},
    "reclassification-request": {"message": "Es de cotización."},
    "annulment-decision": {"approve": True, "reason": "Procede."},
    "resolution": {"answer": "Resuelto."},
}


async def calls(
    client: httpx.AsyncClient, case: str, headers: dict[str, str], actions: Actions
) -> dict[str, int]:
    """The status of reading ``case``, its history and of each action on it, by name."""
    answers = {"detail": await client.get(case, headers=headers)}
    answers["history"] = await client.get(f"{case}/history", headers=headers)
    for action, body in actions.items():
        answers[action] = await client.post(f"{case}/{action}", json=body, headers=headers)
    return {name: answer.status_code for name, answer in answers.items()}


async def test_every_route_refuses_who_may_not_call_it_and_changes_nothing(
    client: httpx.AsyncClient, autorizado: Autorizado, tramitador: Tramitador
) -> None:
    number, mine, theirs = await opened(client, autorizado)
    other = new_autorizado()
    before = (await client.get(mine, headers=autorizado.headers)).json()

    by_another = await calls(client, f"{other.cases_path}/{number}", other.headers, AUTORIZADO_ACTIONS)
    in_the_back_office = await calls(client, theirs, autorizado.headers, BACKOFFICE_ACTIONS)
    clerk_as_autorizado = await calls(client, mine, tramitador.headers, AUTORIZADO_ACTIONS)
    listings = {
        "queue": await client.get("/v1/backoffice/cases", headers=autorizado.headers),
        "search as a clerk": await client.get(autorizado.cases_path, headers=tramitador.headers),
        "alta as a clerk": await client.post(
            autorizado.cases_path, json=CONSULTA, headers=tramitador.headers
        ),
    }

    assert set(by_another.values()) == {404}, by_another
    assert set(in_the_back_office.values()) == {403}, in_the_back_office
    assert set(clerk_as_autorizado.values()) == {403}, clerk_as_autorizado
    assert {name: answer.status_code for name, answer in listings.items()} == dict.fromkeys(listings, 403)
    after = (await client.get(mine, headers=autorizado.headers)).json()
    assert (after["version"], after["substatus"]) == (before["version"], "submitted")


async def test_tokens_that_are_not_good_are_401(client: httpx.AsyncClient, autorizado: Autorizado) -> None:
    secret = dev_secret(Settings.from_env())
    _, mine, _ = await opened(client, autorizado)

    refused = {
        "an expired token": await client.get(
            mine, headers=forged(autorizado, key=secret, exp=int(time.time()) - 5)
        ),
        "a token signed by someone else": await client.get(mine, headers=forged(autorizado, key="x" * 40)),
        "a token for another audience": await client.get(
            mine, headers=forged(autorizado, key=secret, aud="otro")
        ),
        "no token": await client.get(mine),
    }

    assert {name: answer.status_code for name, answer in refused.items()} == dict.fromkeys(refused, 401)
