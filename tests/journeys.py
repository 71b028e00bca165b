"""Steps shared by the end-to-end journeys: what a client does and waits for."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

CONSULTA = {
    "case_type": "consulta",
    "subject": "gestion_autorizaciones",
    "category": "datos_contacto",
    "affects_current_period": False,
    "title": "Cambio del correo de contacto",
    "description": "¿Cómo cambio el correo electrónico de contacto de la autorización?",
}


async def open_case(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], body: dict[str, Any] | None = None
) -> httpx.Response:
    return await client.post(path, json=body or CONSULTA, headers=headers)


async def stored_case(
    client: httpx.AsyncClient, location: str, headers: dict[str, str], *, within: float = 15.0
) -> dict[str, Any]:
    """The case at ``location`` once the workflow has stored it (a 202 answer resolves here)."""
    deadline = time.monotonic() + within
    while True:
        response = await client.get(location, headers=headers)
        if response.status_code == 200 or time.monotonic() > deadline:
            response.raise_for_status()
            case: dict[str, Any] = response.json()
            return case
        await asyncio.sleep(0.1)


async def mail_to(mail_api: str, recipient: str, *, within: float = 20.0) -> list[dict[str, Any]]:
    """The messages the SMTP server received for ``recipient`` (waits for at least one)."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=10.0) as http:
        while True:
            found = await http.get(f"{mail_api}/search", params={"query": f"to:{recipient}"})
            found.raise_for_status()
            messages: list[dict[str, Any]] = found.json()["messages"]
            if messages or time.monotonic() > deadline:
                return [(await http.get(f"{mail_api}/message/{m['ID']}")).json() for m in messages]
            await asyncio.sleep(0.2)


async def act(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """POST an action and return the case it answers with (200), failing the test otherwise."""
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
    case: dict[str, Any] = response.json()
    return case


async def consented(
    client: httpx.AsyncClient, authorization: str, headers: dict[str, str], email: str
) -> None:
    """Give the authorization a contact address with consent to receive notices."""
    response = await client.put(
        f"/v1/authorizations/{authorization}/contact", json={"email": email, "consent": True}, headers=headers
    )
    assert response.status_code == 200, response.text


async def notices_about(
    mail_api: str, recipient: str, case_number: str, *, subjects: list[str], within: float = 20.0
) -> list[dict[str, Any]]:
    """The messages to ``recipient`` about ``case_number`` whose subjects contain each of
    ``subjects`` (one each, in that order), once all have arrived."""
    deadline = time.monotonic() + within
    while True:
        mails = [m for m in await mail_to(mail_api, recipient, within=0) if case_number in m["Subject"]]
        found = [[m for m in mails if subject in m["Subject"]] for subject in subjects]
        if all(found) or time.monotonic() > deadline:
            assert all(len(each) == 1 for each in found), [m["Subject"] for m in mails]
            return [each[0] for each in found]
        await asyncio.sleep(0.3)
