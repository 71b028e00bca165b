"""Intake never claims success Kafka did not acknowledge: 503 with Retry-After, then a clean retry.

The app runs in-process over ASGI against the real MongoDB; only Kafka is replaced, by a
publisher that fails as an unreachable broker does and then one that records what it was given.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.app import create_app
from casia_intake.auth import AuthorizationClaim, Claims, Role, mint_dev_token
from casia_intake.bootstrap import build_intake
from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import Document

from ..builders import DEV_SECRET, dev_settings

pytestmark = pytest.mark.integration

BODY = {
    "case_type": "consulta",
    "subject": "gestion_autorizaciones",
    "category": "datos_contacto",
    "affects_current_period": False,
    "title": "Duda",
    "description": "Una consulta.",
}


@dataclass
class SwitchablePublisher:
    """Fails like an unreachable broker until ``up`` is set; then records every message."""

    up: bool = False
    published: list[OutboundMessage] = field(default_factory=list)

    async def publish_all(self, messages: Sequence[OutboundMessage]) -> None:
        if not self.up:
            raise ConnectionError("Unable to bootstrap from 127.0.0.1:9092")
        self.published.extend(messages)


@dataclass
class Gateway:
    client: httpx.AsyncClient
    publisher: SwitchablePublisher
    db: AsyncDatabase[Document]
    path: str
    headers: dict[str, str]


@pytest.fixture
async def gateway(db: AsyncDatabase[Document]) -> AsyncIterator[Gateway]:
    settings = dev_settings(read_your_writes_seconds=0, kafka_publish_timeout_seconds=1.0)
    publisher = SwitchablePublisher()
    app = create_app(settings)  # no lifespan over ASGITransport: the state is set here instead
    app.state.intake = build_intake(settings, db=db, publisher=publisher)
    claims = Claims(
        sub="12345678Z",
        name="Ana",
        roles=(Role.AUTORIZADO,),
        authorizations=(
            AuthorizationClaim(number="1234567", holder_nif="B12345674", business_name="Gestoría"),
        ),
    )
    token = mint_dev_token(DEV_SECRET, claims, now=int(time.time()), ttl_seconds=300)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        yield Gateway(
            client,
            publisher,
            db,
            "/v1/authorizations/1234567/cases",
            {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
        )


async def test_an_unreachable_broker_gives_503_and_the_retry_sends_the_same_command(
    gateway: Gateway,
) -> None:
    refused = await gateway.client.post(gateway.path, json=BODY, headers=gateway.headers)

    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "/problems/broker-unavailable"
    assert gateway.publisher.published == []

    gateway.publisher.up = True
    accepted = await gateway.client.post(gateway.path, json=BODY, headers=gateway.headers)
    again = await gateway.client.post(gateway.path, json=BODY, headers=gateway.headers)

    assert accepted.status_code == 202  # no workflow here: the case is accepted, not yet stored
    assert again.json()["case_number"] == accepted.json()["case_number"]
    [command] = gateway.publisher.published  # the repeat found it published: not sent twice
    envelope = json.loads(command.value)
    assert envelope["type"] == "es.casia.case.command.open"
    assert command.key == accepted.json()["case_number"]
