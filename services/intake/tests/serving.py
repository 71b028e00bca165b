"""The real gateway (its own lifespan: clients, Startup, relay, change stream) in the test's
process, reached over ASGI; for the integration tests of how it behaves when Kafka or MongoDB
misbehave (:func:`casia_runtime.testing.serving.served` puts it behind a real socket)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from casia_intake.app import create_app
from casia_intake.auth import AuthorizationClaim, Claims, Role, mint_dev_token
from casia_intake.settings import IntakeSettings

from .builders import DEV_SECRET, dev_settings

BODY = {
    "case_type": "consulta",
    "subject": "gestion_autorizaciones",
    "category": "datos_contacto",
    "affects_current_period": False,
    "title": "Duda",
    "description": "Una consulta.",
}


def settings_for(**overrides: Any) -> IntakeSettings:
    return dev_settings(**overrides)


def autorizado_headers() -> tuple[str, dict[str, str]]:
    """The cases path of a fresh authorization, and headers with a token for it."""
    number = str(uuid.uuid4().int % 9_000_000 + 1_000_000)
    claims = Claims(
        sub="12345678Z",
        name="Ana",
        roles=(Role.AUTORIZADO,),
        authorizations=(AuthorizationClaim(number=number, holder_nif="B12345674", business_name="Gestoría"),),
    )
    token = mint_dev_token(DEV_SECRET, claims, now=int(time.time()), ttl_seconds=300)
    return f"/v1/authorizations/{number}/cases", {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def gateway(settings: IntakeSettings, app: FastAPI | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway's app with its lifespan running, and a client over ASGI."""
    app = app or create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake", timeout=60) as client:
            yield client


async def until_ready(client: httpx.AsyncClient, *, within: float) -> None:
    deadline = time.monotonic() + within
    while (await client.get("/readyz")).status_code != 200:
        if time.monotonic() > deadline:
            raise AssertionError(f"not ready after {within} s: {(await client.get('/readyz')).text}")
        await asyncio.sleep(0.2)
