"""The walking skeleton: a consulta opened over HTTP travels through intake, workflow and notifier."""

from __future__ import annotations

import json

import httpx
import pytest

from casia_contracts import topics
from casia_contracts.case_events import CaseOpened
from casia_contracts.envelope import CloudEvent, RawEvent
from casia_contracts.notifications import NotificationSkipped
from casia_contracts.registry import parse_data
from casia_runtime.testing import read_until

from .conftest import Autorizado
from .journeys import mail_to, open_case, stored_case

pytestmark = pytest.mark.e2e


async def test_an_opened_consulta_is_stored_announced_and_mailed(
    client: httpx.AsyncClient,
    autorizado: Autorizado,
    email: str,
    mail_api_url: str,
    kafka_bootstrap: str,
) -> None:
    contact = await client.put(
        f"/v1/authorizations/{autorizado.authorization.number}/contact",
        json={"email": email, "consent": True},
        headers=autorizado.headers,
    )
    assert contact.status_code == 200, contact.text

    opened = await open_case(client, autorizado.cases_path, autorizado.headers)

    assert opened.status_code in (201, 202), opened.text
    case_number = opened.json()["case_number"]
    assert opened.headers["Location"] == f"{autorizado.cases_path}/{case_number}"
    case = await stored_case(client, opened.headers["Location"], autorizado.headers)
    assert (case["status"], case["substatus"]) == ("open", "submitted")
    assert (case["status_label"], case["substatus_label"]) == ("Abierto", "Presentado")
    assert case["opened_by"] == {"nif": autorizado.nif, "name": autorizado.name}
    assert case["authorization"]["number"] == autorizado.authorization.number

    history = (await client.get(f"{opened.headers['Location']}/history", headers=autorizado.headers)).json()
    assert [(e["status"], e["substatus"]) for e in history["entries"]] == [("open", "submitted")]

    [mail] = await mail_to(mail_api_url, email)
    assert case_number in mail["Subject"]
    assert case_number in mail["Text"]
    assert "Gestión de Casos" in mail["Text"]

    [record] = await read_until(
        kafka_bootstrap,
        topics.CASE_EVENTS,
        lambda r: r.key == case_number.encode() and json.loads(r.value)["type"] == CaseOpened.message_type,
    )
    event = CloudEvent[CaseOpened].model_validate_json(record.value)
    assert event.subject == case_number
    assert event.data.title == case["title"]
    assert dict(record.headers)["content-type"].startswith(b"application/cloudevents+json")


async def test_without_consent_the_notice_is_recorded_as_skipped_and_no_mail_is_sent(
    client: httpx.AsyncClient,
    autorizado: Autorizado,
    email: str,
    mail_api_url: str,
    kafka_bootstrap: str,
) -> None:
    await client.put(
        f"/v1/authorizations/{autorizado.authorization.number}/contact",
        json={"email": email, "consent": False},
        headers=autorizado.headers,
    )

    opened = await open_case(client, autorizado.cases_path, autorizado.headers)
    case_number = opened.json()["case_number"]

    [record] = await read_until(
        kafka_bootstrap, topics.NOTIFICATION_EVENTS, lambda r: r.key == case_number.encode()
    )
    skipped = parse_data(RawEvent.model_validate_json(record.value))
    assert isinstance(skipped, NotificationSkipped)
    assert skipped.reason_code == "no_consent"
    # The notice was decided without SMTP (that is what "skipped" records): nothing can arrive later.
    assert await mail_to(mail_api_url, email, within=0) == []
