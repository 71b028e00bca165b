"""Identity, account and request ids over HTTP, with every port faked: 401/403, me, catalog, contact."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator

import jwt
import pytest

from casia_intake.auth import Role
from casia_intake.domain.catalog import load_catalog
from casia_intake.service.ports import Contact
from casia_intake.settings import IntakeSettings

from ..builders import AUTHORIZATION, AUTORIZADO, DEV_SECRET
from ..gateway import BODY, CASES, OTHER, Gateway, assert_problem, serving_fakes


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    async with serving_fakes() as serving:
        yield serving


# --- identity ------------------------------------------------------------------------------------


async def test_without_a_token_the_answer_is_401_with_www_authenticate(gateway: Gateway) -> None:
    response = await gateway.client.post(CASES, json=BODY)

    assert_problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="casia"'
    assert gateway.sender.sent == []


def bad_tokens(settings: IntakeSettings) -> dict[str, str]:
    now = int(time.time())
    good = {
        "sub": AUTORIZADO.nif,
        "name": "Ana",
        "roles": ["autorizado"],
        "iss": "casia-local",
        "aud": "casia",
    }
    secret = DEV_SECRET
    return {
        "garbage": "not-a-jwt",
        "unsigned": jwt.encode({**good, "exp": now + 60}, key="", algorithm="none"),
        "foreign": jwt.encode({**good, "exp": now + 60}, key="another-secret-of-32-bytes-or-more!!"),
        "expired": jwt.encode({**good, "exp": now - 60}, key=secret),
        "other audience": jwt.encode({**good, "aud": "elsewhere", "exp": now + 60}, key=secret),
        "no name": jwt.encode({**good, "name": "", "exp": now + 60}, key=secret),
    }


@pytest.mark.parametrize("kind", ["garbage", "unsigned", "foreign", "expired", "other audience", "no name"])
async def test_a_bad_token_is_401_invalid_token_with_www_authenticate(gateway: Gateway, kind: str) -> None:
    token = bad_tokens(gateway.settings)[kind]

    response = await gateway.client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert_problem(response, 401, "invalid-token")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="casia"'


async def test_a_caller_without_the_autorizado_role_is_403(gateway: Gateway) -> None:
    response = await gateway.client.post(CASES, json=BODY, headers=gateway.headers(roles=[Role.TRAMITADOR]))

    assert_problem(response, 403, "forbidden")
    assert gateway.sender.sent == []


async def test_an_authorization_the_token_does_not_hold_is_403(gateway: Gateway) -> None:
    path = f"/v1/authorizations/{OTHER.number}/cases"

    response = await gateway.client.post(path, json=BODY, headers=gateway.headers())

    assert_problem(response, 403, "authorization-not-held")
    assert gateway.sender.sent == []


# --- account -------------------------------------------------------------------------------------


async def test_a_contact_put_is_read_back(gateway: Gateway) -> None:
    path = f"/v1/authorizations/{AUTHORIZATION.number}/contact"
    before = await gateway.client.get(path, headers=gateway.headers())

    put = await gateway.client.put(
        path, json={"email": "avisos@gestoria.es", "consent": True}, headers=gateway.headers()
    )
    after = await gateway.client.get(path, headers=gateway.headers())

    assert before.json() == {
        "authorization_number": AUTHORIZATION.number,
        "email": None,
        "consent": False,
        "updated_at": None,
    }
    assert put.status_code == after.status_code == 200
    assert (
        after.json()
        == put.json()
        == {
            "authorization_number": AUTHORIZATION.number,
            "email": "avisos@gestoria.es",
            "consent": True,
            "updated_at": "2026-03-02T09:30:00Z",
        }
    )
    assert gateway.contacts.contacts[AUTHORIZATION.number] == Contact(
        AUTHORIZATION.number, "avisos@gestoria.es", True, gateway.clock.now, AUTORIZADO.nif
    )


async def test_a_contact_with_an_invalid_email_is_422_and_not_stored(gateway: Gateway) -> None:
    path = f"/v1/authorizations/{AUTHORIZATION.number}/contact"

    body = {"email": "not-an-address", "consent": True}

    response = await gateway.client.put(path, json=body, headers=gateway.headers())

    assert_problem(response, 422, "validation-error")
    assert gateway.contacts.contacts == {}


async def test_me_shows_the_caller_and_their_authorizations(gateway: Gateway) -> None:
    headers = gateway.headers(roles=[Role.TRAMITADOR, Role.AUTORIZADO], authorizations=[AUTHORIZATION, OTHER])

    response = await gateway.client.get("/v1/me", headers=headers)

    assert response.status_code == 200
    assert response.json() == {
        "nif": AUTORIZADO.nif,
        "name": AUTORIZADO.name,
        "email": "ana@example.es",
        "roles": ["autorizado", "tramitador"],
        "authorizations": [AUTHORIZATION.model_dump(), OTHER.model_dump()],
    }


async def test_the_catalog_is_served_to_any_authenticated_caller(gateway: Gateway) -> None:
    response = await gateway.client.get("/v1/catalog", headers=gateway.headers(roles=[Role.TRAMITADOR]))

    assert response.status_code == 200
    assert response.json() == load_catalog().as_public_dict()


# --- request ids ---------------------------------------------------------------------------------


async def test_a_plain_request_id_is_echoed(gateway: Gateway) -> None:
    response = await gateway.client.get("/healthz", headers={"X-Request-ID": "client-42:a.b_c"})

    assert response.headers["X-Request-ID"] == "client-42:a.b_c"


@pytest.mark.parametrize("offered", [b"", b"has space", b"x" * 129, b"<script>", b"a/b", "ñ".encode()])
async def test_a_request_id_that_is_not_plain_is_replaced(gateway: Gateway, offered: bytes) -> None:
    response = await gateway.client.get("/healthz", headers={b"X-Request-ID": offered})

    assert str(uuid.UUID(response.headers["X-Request-ID"])) == response.headers["X-Request-ID"]


async def test_a_problem_answer_carries_the_request_id_too(gateway: Gateway) -> None:
    response = await gateway.client.get("/v1/me", headers={"X-Request-ID": "req-401"})

    assert response.status_code == 401
    assert response.headers["X-Request-ID"] == "req-401"
