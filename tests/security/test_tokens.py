"""Tokens that are not good are 401 problem+json, for both roles, and change nothing (API.md
"Identity"). The local gateway checks dev tokens: HS256 with the stack's own secret, issuer
``casia-local``, audience ``casia``, and ``exp``, ``iss``, ``aud``, ``sub`` required. Each forged
token below differs from a good one (whose control passes) in one way only.

How an oidc-mode gateway treats the same forgeries (RS256 from its JWKS; HS256, the dev secret
and ``alg: none`` refused) is checked in-process in :mod:`.test_secrets`, since the local stack
runs in dev mode.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from casia_intake.auth import DEV_AUDIENCE, DEV_ISSUER, Role
from casia_local.auth import dev_secret
from casia_local.settings import Settings

from ..conftest import Autorizado, new_autorizado
from ..journeys import open_case, stored_case
from .support import assert_problem, case_state

pytestmark = pytest.mark.e2e

Payload = dict[str, Any]
Forge = Callable[[Payload], str]

SECRET = dev_secret(Settings.from_env())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
PUBLIC_PEM = RSA_KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segments(header: dict[str, Any], payload: Payload) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"


def good(payload: Payload) -> str:
    return jwt.encode(payload, SECRET, algorithm="HS256")


def with_claims(**changes: Any) -> Forge:
    """A good signature over the payload with ``changes`` (a value of None removes the claim)."""

    def forge(payload: Payload) -> str:
        changed = {**payload, **changes}
        return good({k: v for k, v in changed.items() if v is not None})

    return forge


def unsigned(alg: str, *, keep_signature: bool = False) -> Forge:
    def forge(payload: Payload) -> str:
        signature = good(payload).rsplit(".", 1)[1] if keep_signature else ""
        return f"{segments({'alg': alg, 'typ': 'JWT'}, payload)}.{signature}"

    return forge


def hs256(key: bytes, signing_input: str) -> str:
    return b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())


def hmac_with(key: bytes) -> Forge:
    """HS256 signed by hand, so that any bytes (a public key's PEM) may be the HMAC key."""

    def forge(payload: Payload) -> str:
        signing_input = segments({"alg": "HS256", "typ": "JWT"}, payload)
        return f"{signing_input}.{hs256(key, signing_input)}"

    return forge


def tampered(payload: Payload) -> str:
    """A good token whose payload is edited after signing: another authorization and the clerk
    role added, the signature kept."""
    header, _, signature = good(payload).split(".")
    another = {"number": "1", "holder_nif": "B12345674", "business_name": "Otra SL"}
    intruded = {
        **payload,
        "roles": ["autorizado", "tramitador"],
        "authorizations": [*payload["authorizations"], another],
    }
    return f"{header}.{b64(json.dumps(intruded).encode())}.{signature}"


def good_signature_over(payload: bytes) -> str:
    """The stack's secret's own HS256 signature over ``payload`` as it is (JSON or not)."""
    signing_input = f"{b64(json.dumps({'alg': 'HS256'}).encode())}.{b64(payload)}"
    return f"{signing_input}.{hs256(SECRET.encode(), signing_input)}"


def public_jwk() -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY.public_key()))
    return jwk


FORGED: dict[str, Forge] = {
    "alg none": lambda p: jwt.encode(p, key="", algorithm="none"),
    "alg None": unsigned("None"),
    "alg NONE": unsigned("NONE"),
    "alg none with the good signature kept": unsigned("none", keep_signature=True),
    "HS256 without its signature": lambda p: good(p).rsplit(".", 1)[0] + ".",
    "another secret": lambda p: jwt.encode(p, secrets.token_urlsafe(48), algorithm="HS256"),
    "the secret, as HS512": lambda p: jwt.encode(p, SECRET, algorithm="HS512"),
    "RS256 with a key of the caller's own": lambda p: jwt.encode(p, RSA_KEY, algorithm="RS256"),
    "RS256 carrying its own key (jwk)": lambda p: jwt.encode(
        p, RSA_KEY, algorithm="RS256", headers={"jwk": public_jwk()}
    ),
    "ES256": lambda p: jwt.encode(p, EC_KEY, algorithm="ES256"),
    "HS256 signed with a public key as the secret": hmac_with(PUBLIC_PEM),
    "HS256 signed with the secret's first half": hmac_with(SECRET[: len(SECRET) // 2].encode()),
    "expired": lambda p: with_claims(exp=p["iat"] - 60)(p),
    "not yet valid (nbf)": lambda p: with_claims(nbf=p["iat"] + 600)(p),
    "issued in the future (iat)": lambda p: with_claims(iat=p["iat"] + 600)(p),
    "another issuer": with_claims(iss="https://idp.example"),
    "another audience": with_claims(aud="otro"),
    "audiences without ours": with_claims(aud=["otro", "portal"]),
    "no expiry": with_claims(exp=None),
    "no issuer": with_claims(iss=None),
    "no audience": with_claims(aud=None),
    "no subject": with_claims(sub=None),
    "no name": with_claims(name=None),
    "tampered claims": tampered,
    "a payload that is not an object": lambda p: good_signature_over(b"[1]"),
}
MALFORMED: dict[str, tuple[str | None, str]] = {
    "no Authorization header": (None, "unauthorized"),
    "Bearer and nothing": ("Bearer", "unauthorized"),
    "Basic credentials": ("Basic dXN1YXJpbzpjbGF2ZQ==", "unauthorized"),
    "one word": ("Bearer abc", "invalid-token"),
    "three garbage segments": ("Bearer a.b.c", "invalid-token"),
    "four segments": ("Bearer eyJhbGciOiJIUzI1NiJ9.e30.e30.e30", "invalid-token"),
    "not base64": ("Bearer !!!.???.***", "invalid-token"),
    "four kilobytes of nothing": ("Bearer " + "A" * 4096, "invalid-token"),
}


@dataclass(frozen=True)
class Target:
    """A case of the test's own and the routes a forged token tries, for each role."""

    autorizado: Autorizado
    case_number: str
    clerk_payload: Payload
    autorizado_payload: Payload

    def calls(self) -> list[tuple[str, str, dict[str, Any] | None, Payload]]:
        mine = f"{self.autorizado.cases_path}/{self.case_number}"
        contact = f"/v1/authorizations/{self.autorizado.authorization.number}/contact"
        theirs = f"/v1/backoffice/cases/{self.case_number}"
        a, c = self.autorizado_payload, self.clerk_payload
        return [
            ("GET", "/v1/me", None, a),
            ("GET", mine, None, a),
            ("POST", f"{mine}/annulment", {"reason": "Con un token falso."}, a),
            ("PUT", contact, {"email": "falso@ejemplo.es", "consent": True}, a),
            ("GET", "/v1/backoffice/cases", None, c),
            ("GET", theirs, None, c),
            ("POST", f"{theirs}/assignment", {}, c),
        ]


def payload_of(sub: str, roles: list[str], authorizations: list[dict[str, str]]) -> Payload:
    now = int(time.time())
    return {
        "sub": sub,
        "name": "Persona de Prueba",
        "roles": roles,
        "authorizations": authorizations,
        "iss": DEV_ISSUER,
        "aud": DEV_AUDIENCE,
        "iat": now,
        "exp": now + 600,
    }


@pytest.fixture(scope="module")
async def target(session_client: httpx.AsyncClient) -> Target:
    autorizado = new_autorizado()
    opened = await open_case(session_client, autorizado.cases_path, autorizado.headers)
    assert opened.status_code in (201, 202), opened.text
    case = await stored_case(session_client, opened.headers["Location"], autorizado.headers)
    held = [autorizado.authorization.model_dump()]
    return Target(
        autorizado=autorizado,
        case_number=case["case_number"],
        clerk_payload=payload_of("12345678Z", [Role.TRAMITADOR.value], []),
        autorizado_payload=payload_of(autorizado.nif, [Role.AUTORIZADO.value], held),
    )


async def test_the_good_token_the_forgeries_start_from_is_accepted(
    session_client: httpx.AsyncClient, target: Target
) -> None:
    reads = [(method, path, payload) for method, path, _, payload in target.calls() if method == "GET"]

    for method, path, payload in reads:
        answer = await session_client.request(
            method, path, headers={"Authorization": f"Bearer {good(payload)}"}
        )
        assert answer.status_code == 200, (path, answer.text)


@pytest.mark.parametrize("forgery", FORGED)
async def test_a_forged_token_is_401_for_either_role_and_changes_nothing(
    session_client: httpx.AsyncClient, target: Target, forgery: str
) -> None:
    mine = f"{target.autorizado.cases_path}/{target.case_number}"
    before = await case_state(session_client, mine, target.autorizado.headers)

    for method, path, body, payload in target.calls():
        headers = {"Authorization": f"Bearer {FORGED[forgery](payload)}"}
        answer = await session_client.request(method, path, json=body, headers=headers)
        assert_problem(answer, 401, "invalid-token")
        assert answer.headers["www-authenticate"].startswith("Bearer")

    assert await case_state(session_client, mine, target.autorizado.headers) == before


@pytest.mark.parametrize("authorization", MALFORMED)
async def test_a_missing_or_malformed_token_is_401_for_either_role(
    session_client: httpx.AsyncClient, target: Target, authorization: str
) -> None:
    value, kind = MALFORMED[authorization]
    headers = {} if value is None else {"Authorization": value}

    for method, path, body, _ in target.calls():
        answer = await session_client.request(method, path, json=body, headers=headers)
        assert_problem(answer, 401, kind)
        assert answer.headers["www-authenticate"].startswith("Bearer")
