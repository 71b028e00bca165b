"""The guide's flows end to end, through the HTTP API as clients do, with every notice read back
from the SMTP server (guide 4.1–4.2.4; API.md "Actions")."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import Autorizado, Tramitador
from .journeys import act, consented, notices_about, open_case

pytestmark = pytest.mark.e2e

TRAMITE_BAJA = {
    "case_type": "tramite",
    "subject": "afiliacion",
    "category": "altas_bajas",
    "subcategory": "bajas_trabajadores_cuenta_ajena",
}


async def opened_case(client: httpx.AsyncClient, autorizado: Autorizado) -> tuple[str, str, str]:
    """(case number, its path for the autorizado, its path in the back office) of a new consulta."""
    response = await open_case(client, autorizado.cases_path, autorizado.headers)
    assert response.status_code == 201, response.text
    number: str = response.json()["case_number"]
    return number, f"{autorizado.cases_path}/{number}", Tramitador.case_path(number)


def state(case: dict[str, Any]) -> tuple[str, str]:
    return case["status"], case["substatus"]


def assert_notice(mail: dict[str, Any], *, to: str, number: str, says: str) -> None:
    """A notice as a person receives it: to them, about the case, in Spanish, with an HTML part."""
    assert [recipient["Address"] for recipient in mail["To"]] == [to]
    assert number in mail["Subject"] and number in mail["Text"]
    assert says in mail["Text"], mail["Text"]
    assert mail["HTML"] and number in mail["HTML"]


async def test_a_consulta_goes_from_alta_to_rating_and_every_change_is_announced(
    client: httpx.AsyncClient, autorizado: Autorizado, tramitador: Tramitador, email: str, mail_api_url: str
) -> None:
    await consented(client, autorizado.authorization.number, autorizado.headers, email)
    number, mine, theirs = await opened_case(client, autorizado)

    assigned = await act(client, f"{theirs}/assignment", tramitador.headers)
    asked = await act(
        client, f"{theirs}/information-request", tramitador.headers, {"message": "Indique el <CCC> & NAF."}
    )
    answered = await act(
        client, f"{mine}/information", autorizado.headers, {"text": "El CCC es 28123456789."}
    )
    answer = "Cambie el correo en «Gestión de autorizaciones»."
    resolved = await act(client, f"{theirs}/resolution", tramitador.headers, {"answer": answer})
    history = (await client.get(f"{mine}/history", headers=autorizado.headers)).json()["entries"]
    rated = await act(client, f"{mine}/rating", autorizado.headers, {"score": 5, "observations": "Muy claro"})
    again = await client.post(f"{mine}/rating", json={"score": 1}, headers=autorizado.headers)

    assert [state(c) for c in (assigned, asked, answered, resolved)] == [
        ("open", "assigned"),
        ("open", "information_requested"),
        ("open", "assigned"),
        ("closed", "resolved"),
    ]
    assert resolved["resolution"]["answer"] == answer
    assert history[-1]["observations"] == f"Caso resuelto: {answer}"  # the answer, read in the history
    assert {e["actor"]["name"] for e in history if e["actor"]["kind"] == "tramitador"} == {"Tramitador TGSS"}
    assert (rated["rating"]["score"], rated["allowed_actions"]) == (5, [])
    assert again.status_code == 409 and again.json()["type"] == "/problems/action-not-allowed"
    alta, requested, closed = await notices_about(
        mail_api_url, email, number, subjects=["alta confirmada", "se le solicita información", "resuelto"]
    )
    assert_notice(alta, to=email, number=number, says="se ha realizado correctamente")
    assert_notice(requested, to=email, number=number, says="Indique el <CCC> & NAF.")
    assert "Indique el &lt;CCC&gt; &amp; NAF." in requested["HTML"]  # escaped in HTML, as typed in text
    assert_notice(closed, to=email, number=number, says="valorar")


async def test_annulment_from_submitted_is_automatic_and_announced(
    client: httpx.AsyncClient, autorizado: Autorizado, email: str, mail_api_url: str
) -> None:
    await consented(client, autorizado.authorization.number, autorizado.headers, email)
    number, mine, _ = await opened_case(client, autorizado)

    annulled = await act(client, f"{mine}/annulment", autorizado.headers, {"reason": "Abierto por error"})

    assert state(annulled) == ("closed", "annulled")
    [notice] = await notices_about(mail_api_url, email, number, subjects=["anulado"])
    assert_notice(notice, to=email, number=number, says="anulado")


async def test_annulment_of_an_attended_case_waits_for_a_clerk_who_approves_or_rejects_it(
    client: httpx.AsyncClient, autorizado: Autorizado, tramitador: Tramitador, email: str, mail_api_url: str
) -> None:
    await consented(client, autorizado.authorization.number, autorizado.headers, email)
    approved_number, approved_mine, approved_theirs = await opened_case(client, autorizado)
    rejected_number, rejected_mine, rejected_theirs = await opened_case(client, autorizado)
    for theirs, mine in ((approved_theirs, approved_mine), (rejected_theirs, rejected_mine)):
        await act(client, f"{theirs}/assignment", tramitador.headers)
        asked = await act(
            client, f"{mine}/annulment", autorizado.headers, {"reason": "Ya resuelto por otra vía"}
        )
        assert state(asked) == ("open", "annulment_requested")

    approved = await act(
        client, f"{approved_theirs}/annulment-decision", tramitador.headers, {"approve": True}
    )
    reason = "La baja sigue pendiente de tramitar."
    rejected = await act(
        client,
        f"{rejected_theirs}/annulment-decision",
        tramitador.headers,
        {"approve": False, "reason": reason},
    )

    assert (state(approved), state(rejected)) == (("closed", "annulled"), ("open", "assigned"))
    [approval] = await notices_about(mail_api_url, email, approved_number, subjects=["anulado"])
    [rejection] = await notices_about(mail_api_url, email, rejected_number, subjects=["anulación rechazada"])
    assert_notice(approval, to=email, number=approved_number, says="anulado")
    assert_notice(rejection, to=email, number=rejected_number, says=reason)


async def test_a_reclassification_asked_by_a_clerk_is_answered_with_the_new_nodes_data(
    client: httpx.AsyncClient, autorizado: Autorizado, tramitador: Tramitador, email: str, mail_api_url: str
) -> None:
    await consented(client, autorizado.authorization.number, autorizado.headers, email)
    number, mine, theirs = await opened_case(client, autorizado)
    valid = {**TRAMITE_BAJA, "additional_data": {"ccc": "28/1234567/42", "naf": "28 12345678 40"}}
    too_soon = await client.post(f"{mine}/reclassification", json=valid, headers=autorizado.headers)
    await act(client, f"{theirs}/assignment", tramitador.headers)
    await act(client, f"{theirs}/reclassification-request", tramitador.headers, {"message": "Es una baja."})

    bad = await client.post(
        f"{mine}/reclassification",
        json={**TRAMITE_BAJA, "additional_data": {"ccc": "28123456700", "naf": "281234567840"}},
        headers=autorizado.headers,
    )
    done = await act(client, f"{mine}/reclassification", autorizado.headers, valid)

    assert too_soon.status_code == 409 and too_soon.json()["type"] == "/problems/action-not-allowed"
    assert bad.status_code == 422 and bad.json()["type"] == "/problems/catalog-violation"
    assert state(done) == ("open", "assigned")
    assert (done["case_type"], done["subcategory"]) == ("tramite", "bajas_trabajadores_cuenta_ajena")
    assert done["additional_data"] == {"ccc": "28123456742", "naf": "281234567840"}
    [notice] = await notices_about(mail_api_url, email, number, subjects=["reclasificar"])
    assert_notice(notice, to=email, number=number, says="Es una baja.")
