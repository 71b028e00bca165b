"""Log and e-mail injection through the texts that keep their line breaks (description,
observations, messages, information, the answer, reasons, a rating's observations) and through the
name a token carries: one case goes from alta to rating, another through a reclassification and a
refused annulment, with a fake JSON log line, a ``Bcc:`` and an ``X-Injected:`` line in each
text, while refused requests carry the same. Afterwards the texts are
stored as text (CR LF as LF), no notice has a header or a recipient the texts named (a title
with CR LF + ``Bcc:`` never gets that far: it is refused, :mod:`.test_header_injection`), and
every line the five services logged meanwhile is still one JSON object.

The portal is not among the logs read: it logs uvicorn's plain text, and these requests go to the
gateway directly.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from casia_intake.auth import Claims, Role, mint_dev_token
from casia_local.auth import dev_secret
from casia_local.settings import Settings

from ..conftest import Autorizado, Tramitador, new_autorizado, new_tramitador
from ..journeys import CONSULTA, act, consented, notices_about, open_case
from .support import assert_problem

pytestmark = pytest.mark.e2e

SERVICES = ("intake", "workflow", "documents", "receipts", "notifier")
NOTICES = ["alta confirmada", "se le solicita información", "resuelto"]
RECLASSIFIED = {
    "case_type": "tramite",
    "subject": "afiliacion",
    "category": "altas_bajas",
    "subcategory": "bajas_trabajadores_cuenta_ajena",
    "additional_data": {"ccc": "28/1234567/42", "naf": "28 12345678 40"},
}


def hostile(marker: str) -> str:
    return (
        f'Texto\r\n{{"event": "injected-{marker}", "level": "critical"}}\r\n'
        f"Bcc: spy-{marker}@ejemplo.es\r\nX-Injected: {marker}\r\nfin"
    )


@dataclass(frozen=True)
class Journey:
    marker: str
    email: str
    case_number: str
    views: list[Any]
    """Each case and its history, as the autorizado and the back office read them at the end."""
    mails: list[dict[str, Any]]
    logged: dict[str, list[str]]
    """The complete lines each service logged while the journey ran."""


def log_sizes() -> dict[str, int]:
    logs = Settings.from_env().logs_dir
    return {s: (logs / f"{s}.log").stat().st_size if (logs / f"{s}.log").exists() else 0 for s in SERVICES}


def lines_since(sizes: dict[str, int]) -> dict[str, list[str]]:
    logs = Settings.from_env().logs_dir
    return {service: _complete_lines(logs / f"{service}.log", sizes[service]) for service in SERVICES}


def _complete_lines(path: Path, offset: int) -> list[str]:
    data = path.read_bytes()
    start = offset if offset <= len(data) else 0  # the file was started anew meanwhile
    text = data[start:].decode("utf-8", errors="replace")
    return text.split("\n")[:-1]  # what follows the last LF is a line still being written


def autorizado_named(name: str) -> Autorizado:
    """A new autorizado whose token carries ``name`` (what the identity provider says)."""
    plain = new_autorizado()
    claims = Claims(sub=plain.nif, name=name, roles=(Role.AUTORIZADO,), authorizations=(plain.authorization,))
    token = mint_dev_token(dev_secret(Settings.from_env()), claims, now=int(time.time()), ttl_seconds=600)
    return Autorizado(nif=plain.nif, name=name, authorization=plain.authorization, token=token)


def signed_by_someone_else(text: str) -> str:
    """A token whose claims carry ``text``, signed with a key that is not the stack's."""
    claims = {"sub": text, "name": text, "iss": "casia-local", "aud": "casia", "exp": int(time.time()) + 60}
    return jwt.encode(claims, "not-the-stacks-secret-" + "x" * 20, algorithm="HS256")


@dataclass(frozen=True)
class People:
    autorizado: Autorizado
    clerk: Tramitador

    def paths(self, number: str) -> tuple[str, str]:
        return f"{self.autorizado.cases_path}/{number}", f"/v1/backoffice/cases/{number}"

    async def views(self, client: httpx.AsyncClient, number: str) -> list[Any]:
        mine, theirs = self.paths(number)
        reads = [(mine, self.autorizado.headers), (f"{mine}/history", self.autorizado.headers)]
        reads += [(theirs, self.clerk.headers), (f"{theirs}/history", self.clerk.headers)]
        return [(await client.get(path, headers=headers)).json() for path, headers in reads]


async def opened_with(client: httpx.AsyncClient, people: People, description: str) -> str:
    autorizado = people.autorizado
    opened = await open_case(
        client, autorizado.cases_path, autorizado.headers, {**CONSULTA, "description": description}
    )
    assert opened.status_code == 201, opened.text
    number: str = opened.json()["case_number"]
    return number


async def from_alta_to_rating(client: httpx.AsyncClient, people: People, text: str) -> str:
    """Escalation, information requested and given, resolution and rating, each with ``text``."""
    number = await opened_with(client, people, text)
    (mine, theirs), me, clerk = people.paths(number), people.autorizado.headers, people.clerk.headers
    await act(client, f"{theirs}/assignment", clerk)
    await act(client, f"{theirs}/escalation", clerk, {"observations": text})
    await act(client, f"{theirs}/assignment", clerk)
    await act(client, f"{theirs}/information-request", clerk, {"message": text})
    await act(client, f"{mine}/information", me, {"text": text})
    await act(client, f"{theirs}/resolution", clerk, {"answer": text})
    await act(client, f"{mine}/rating", me, {"score": 4, "observations": text})
    return number


async def reclassified_then_annulment_refused(client: httpx.AsyncClient, people: People, text: str) -> str:
    """A reclassification asked for with ``text``, then an annulment asked and refused with it."""
    number = await opened_with(client, people, "Consulta sin más.")
    (mine, theirs), me, clerk = people.paths(number), people.autorizado.headers, people.clerk.headers
    await act(client, f"{theirs}/assignment", clerk)
    await act(client, f"{theirs}/reclassification-request", clerk, {"message": text})
    await act(client, f"{mine}/reclassification", me, RECLASSIFIED)
    await act(client, f"{mine}/annulment", me, {"reason": text})
    await act(client, f"{theirs}/annulment-decision", clerk, {"approve": False, "reason": text})
    return number


@pytest.fixture(scope="module")
async def journey(session_client: httpx.AsyncClient, mail_api_url: str) -> Journey:
    client, marker = session_client, uuid.uuid4().hex[:10]
    text, sizes = hostile(marker), log_sizes()
    people = People(autorizado_named(f"Ana {text}"), new_tramitador())
    autorizado, email = people.autorizado, f"inyeccion-{marker}@gestoria-pruebas.es"
    await consented(client, autorizado.authorization.number, autorizado.headers, email)
    refused = await open_case(client, autorizado.cases_path, autorizado.headers, {**CONSULTA, "title": text})
    forged = await client.get("/v1/me", headers={"Authorization": f"Bearer {signed_by_someone_else(text)}"})
    assert_problem(refused, 422, "validation-error")
    assert_problem(forged, 401, "invalid-token")

    number = await from_alta_to_rating(client, people, text)
    other = await reclassified_then_annulment_refused(client, people, text)
    mails = await notices_about(mail_api_url, email, number, subjects=NOTICES)
    mails += await notices_about(mail_api_url, email, other, subjects=["reclasificar", "anulación rechazada"])

    views = await people.views(client, number) + await people.views(client, other)
    return Journey(marker, email, number, views, mails, lines_since(sizes))


async def test_multi_line_texts_are_kept_as_text_with_lf_line_breaks(journey: Journey) -> None:
    case, history, _, backoffice_history, _, other_history, _, other_backoffice_history = journey.views
    kept = hostile(journey.marker).replace("\r\n", "\n")
    entries = [*history["entries"], *backoffice_history["entries"]]
    entries += [*other_history["entries"], *other_backoffice_history["entries"]]
    observations = {e["observations"] or "" for e in entries} | {e["note"] or "" for e in entries}
    asked = ("Solicitada reclasificación", "Solicitada anulación", "Anulación rechazada")

    assert case["description"] == kept
    assert [i["text"] for i in case["information"]] == [kept]
    assert (case["resolution"]["answer"], case["rating"]["observations"]) == (kept, kept)
    assert {f"{label}: {kept}" for label in asked} <= observations, observations
    assert not [o for o in observations if "\r" in o]


async def test_no_notice_has_a_header_or_a_recipient_that_a_text_named(
    journey: Journey, mail_api_url: str
) -> None:
    spy = f"spy-{journey.marker}@ejemplo.es"
    async with httpx.AsyncClient(base_url=mail_api_url, timeout=10.0) as mailpit:
        headers = [(await mailpit.get(f"/message/{m['ID']}/headers")).json() for m in journey.mails]
        to_spy = [
            (await mailpit.get("/search", params={"query": f"{field}:{spy}"})).json()["messages"]
            for field in ("to", "cc", "bcc")
        ]

    for mail, header in zip(journey.mails, headers, strict=True):
        assert [r["Address"] for r in mail["To"]] == [journey.email]
        assert (mail["Cc"], mail["Bcc"], mail["ReplyTo"]) == ([], [], [])
        assert not {"Bcc", "Cc", "X-Injected", "Reply-To"} & set(header), header
        assert spy not in json.dumps(header) and journey.marker not in mail["Subject"]
    assert to_spy == [[], [], []]
    requested = journey.mails[NOTICES.index("se le solicita información")]
    assert f"X-Injected: {journey.marker}" in requested["Text"]  # the text did reach the mail, as text


async def test_every_line_the_services_logged_meanwhile_is_one_json_object(journey: Journey) -> None:
    fake_event = f"injected-{journey.marker}"

    for service, lines in journey.logged.items():
        for line in lines:
            record = json.loads(line)  # a line cut by an injected break would not parse
            assert isinstance(record, dict), (service, line[:200])
            assert record.get("event") != fake_event, (service, line[:200])
    assert journey.logged["intake"] and journey.logged["notifier"]  # they did log while it ran
