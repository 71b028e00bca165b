"""Rotating the gateway's token keys with no downtime.

dev: ``CASIA_AUTH_DEV_PREVIOUS_SECRETS`` lists secrets a rotation replaced; tokens signed with
one of them are still accepted (verification only) until they expire, nothing else changes.
oidc: rotation is the issuer's JWKS, several keys published side by side, each token's key
chosen by its ``kid``; the dev secrets, previous ones included, are never accepted there.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from casia_intake.auth import (
    AuthMisconfigured,
    Claims,
    InvalidToken,
    Role,
    TokenVerifier,
    auth_config,
    mint_dev_token,
)
from casia_intake.settings import IntakeSettings
from casia_intake.testing import jwks_served

OLD, NEW, OLDER = (secrets.token_urlsafe(48) for _ in range(3))
CLAIMS = Claims(sub="12345678Z", name="Ana Pérez", roles=(Role.AUTORIZADO,))


def dev_verifier(previous: str | None) -> TokenVerifier:
    settings = IntakeSettings(
        auth_mode="dev",
        auth_dev_secret=SecretStr(NEW),
        auth_dev_previous_secrets=SecretStr(previous) if previous is not None else None,
    )
    return TokenVerifier(auth_config(settings))


def token(secret: str, *, ttl: int = 600) -> str:
    return mint_dev_token(secret, CLAIMS, now=int(time.time()), ttl_seconds=ttl)


async def refusal(verifier: TokenVerifier, signed: str) -> str | None:
    """Why `verifier` refuses `signed`, or None when it accepts it."""
    try:
        await verifier.verify(signed)
    except InvalidToken as error:
        return str(error)
    return None


async def test_after_a_rotation_tokens_signed_with_the_new_or_a_previous_secret_are_accepted() -> None:
    verifier = dev_verifier(f"{OLD}, {OLDER}")

    assert (await verifier.verify(token(NEW))).nif == "12345678Z"
    assert (await verifier.verify(token(OLD))).nif == "12345678Z"
    assert (await verifier.verify(token(OLDER))).nif == "12345678Z"
    assert await refusal(verifier, token(secrets.token_urlsafe(48))) == "Signature verification failed"


async def test_a_secret_no_longer_listed_as_previous_is_refused() -> None:
    verifier = dev_verifier(OLD)

    assert await refusal(verifier, token(OLDER)) == "Signature verification failed"
    assert await refusal(dev_verifier(None), token(OLD)) == "Signature verification failed"


async def test_a_token_signed_with_a_previous_secret_is_still_checked_for_expiry() -> None:
    verifier = dev_verifier(OLD)

    assert await refusal(verifier, token(OLD, ttl=-60)) == "Signature has expired"
    assert await refusal(verifier, token(NEW, ttl=-60)) == "Signature has expired"


def test_previous_secrets_are_verification_only_and_as_long_as_the_secret() -> None:
    config = auth_config(
        IntakeSettings(
            auth_mode="dev", auth_dev_secret=SecretStr(NEW), auth_dev_previous_secrets=SecretStr(OLD)
        )
    )

    assert (config.dev_secret, config.dev_previous_secrets) == (NEW, (OLD,))
    for listed in ("x" * 31, f"{OLD},short"):
        with pytest.raises(AuthMisconfigured, match="CASIA_AUTH_DEV_PREVIOUS_SECRETS"):
            auth_config(
                IntakeSettings(
                    auth_mode="dev",
                    auth_dev_secret=SecretStr(NEW),
                    auth_dev_previous_secrets=SecretStr(listed),
                )
            )


@pytest.fixture
def issuer() -> Iterator[tuple[str, dict[str, rsa.RSAPrivateKey]]]:
    """An identity provider in the middle of a rotation: its JWKS, served on the loopback,
    publishes the old key and the new one, each under its own kid."""
    keys = {kid: rsa.generate_private_key(public_exponent=65537, key_size=2048) for kid in ("2024", "2025")}
    with jwks_served(keys) as url:
        yield url, keys


async def test_an_oidc_gateway_picks_each_tokens_key_by_kid_and_ignores_every_dev_secret(
    issuer: tuple[str, dict[str, rsa.RSAPrivateKey]],
) -> None:
    jwks_url, keys = issuer
    verifier = TokenVerifier(
        auth_config(
            IntakeSettings(
                auth_mode="oidc",
                auth_jwks_url=jwks_url,
                auth_issuer="https://idp.example",
                auth_audience="casia",
                auth_dev_secret=SecretStr(NEW),
                auth_dev_previous_secrets=SecretStr(OLD),
            )
        )
    )
    claims: dict[str, Any] = {
        "sub": "12345678Z",
        "name": "Ana",
        "iss": "https://idp.example",
        "aud": "casia",
        "exp": int(time.time()) + 60,
    }

    def signed(kid: str, key: Any, algorithm: str = "RS256") -> str:
        return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})

    assert (await verifier.verify(signed("2024", keys["2024"]))).nif == "12345678Z"
    assert (await verifier.verify(signed("2025", keys["2025"]))).nif == "12345678Z"
    assert await refusal(verifier, signed("2025", keys["2024"])) == "Signature verification failed"
    assert await refusal(verifier, signed("2026", keys["2025"])) == "unknown signing key"
    assert await refusal(verifier, signed("2025", OLD, "HS256")) is not None
    assert await refusal(verifier, signed("2025", NEW, "HS256")) is not None
    assert verifier.config.dev_previous_secrets == ()
