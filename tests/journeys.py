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
