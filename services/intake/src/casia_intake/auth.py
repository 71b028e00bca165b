"""Who is calling: bearer JWTs checked for issuer, audience, expiry and signature.

Production tokens come from the OIDC issuer and are checked against its JWKS, the key chosen by
the token's ``kid`` (the issuer rotates by publishing a new key beside the old one: a ``kid`` not
in the cached set makes the client fetch the JWKS again, at most every 30 s); local/dev tokens
are HS256 with a secret of at least 32 bytes, or with one of the previous secrets a rotation
keeps for verification only. Neither mode is a default: :func:`auth_config`
refuses a gateway whose settings do not choose one explicitly and completely. Unsigned tokens and
``alg: none`` are refused because only the expected algorithms are accepted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal

import jwt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from casia_intake.settings import IntakeSettings

ASYMMETRIC_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
DEV_ISSUER: Final = "casia-local"
DEV_AUDIENCE: Final = "casia"
MIN_DEV_SECRET_BYTES: Final = 32


class Role(StrEnum):
    AUTORIZADO = "autorizado"
    TRAMITADOR = "tramitador"


class AuthorizationClaim(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: str = Field(min_length=1)
    holder_nif: str = Field(min_length=1)
    business_name: str = Field(min_length=1)


class Claims(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    sub: str = Field(min_length=1)
    name: str = Field(min_length=1)
    email: str | None = None
    roles: tuple[Role, ...] = ()
    authorizations: tuple[AuthorizationClaim, ...] = ()


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated user: NIF, name, roles and the authorizations they act for."""

    nif: str
    name: str
    email: str | None
    roles: frozenset[Role]
    authorizations: tuple[AuthorizationClaim, ...]

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def authorization(self, number: str) -> AuthorizationClaim | None:
        return next((a for a in self.authorizations if a.number == number), None)


class InvalidToken(Exception):
    """The token is missing, malformed, expired, or not ours (the message is for logs only)."""


class AuthMisconfigured(Exception):
    """The settings do not choose an authentication mode completely: the gateway must not start."""


@dataclass(frozen=True, slots=True)
class AuthConfig:
    """How tokens are checked: a mode chosen explicitly, with everything that mode needs."""

    mode: Literal["dev", "oidc"]
    issuer: str
    audience: str
    dev_secret: str | None = None
    jwks_url: str | None = None
    dev_previous_secrets: tuple[str, ...] = ()
    """``dev``: secrets replaced by a rotation, still accepted for verification."""


def auth_config(settings: IntakeSettings) -> AuthConfig:
    """The authentication the settings choose; raises :class:`AuthMisconfigured` naming the
    missing or unsafe setting, so a deployment that forgot one refuses to start rather than
    accept tokens anyone could mint."""
    if settings.auth_mode == "oidc":
        return _oidc(settings)
    if settings.auth_mode == "dev":
        return _dev(settings)
    raise AuthMisconfigured(
        "CASIA_AUTH_MODE is not set: choose oidc (production: CASIA_AUTH_JWKS_URL, CASIA_AUTH_ISSUER, "
        "CASIA_AUTH_AUDIENCE) or dev (local only: CASIA_AUTH_DEV_SECRET, at least 32 bytes)."
    )


def _dev(settings: IntakeSettings) -> AuthConfig:
    secret = settings.auth_dev_secret.get_secret_value() if settings.auth_dev_secret else ""
    if len(secret.encode()) < MIN_DEV_SECRET_BYTES:
        raise AuthMisconfigured(
            f"CASIA_AUTH_MODE=dev needs CASIA_AUTH_DEV_SECRET of at least {MIN_DEV_SECRET_BYTES} bytes."
        )
    listed = settings.auth_dev_previous_secrets
    parts = (listed.get_secret_value() if listed else "").split(",")
    previous = tuple(part.strip() for part in parts if part.strip())
    if any(len(part.encode()) < MIN_DEV_SECRET_BYTES for part in previous):
        raise AuthMisconfigured(
            f"CASIA_AUTH_DEV_PREVIOUS_SECRETS: each secret needs at least {MIN_DEV_SECRET_BYTES} bytes."
        )
    return AuthConfig(
        "dev",
        settings.auth_issuer or DEV_ISSUER,
        settings.auth_audience or DEV_AUDIENCE,
        dev_secret=secret,
        dev_previous_secrets=previous,
    )


def _oidc(settings: IntakeSettings) -> AuthConfig:
    jwks_url, issuer, audience = settings.auth_jwks_url, settings.auth_issuer, settings.auth_audience
    if jwks_url and issuer and audience:
        return AuthConfig("oidc", issuer, audience, jwks_url=jwks_url)
    required = {"CASIA_AUTH_JWKS_URL": jwks_url, "CASIA_AUTH_ISSUER": issuer, "CASIA_AUTH_AUDIENCE": audience}
    missing = ", ".join(name for name, value in required.items() if not value)
    raise AuthMisconfigured(f"CASIA_AUTH_MODE=oidc needs {missing}.")


class TokenVerifier:
    def __init__(self, config: AuthConfig) -> None:
        self.config = config
        self._jwks = jwt.PyJWKClient(config.jwks_url, cache_keys=True) if config.jwks_url else None

    async def verify(self, token: str) -> Caller:
        """The caller a valid token names; raises :class:`InvalidToken` otherwise."""
        if self._jwks is not None:
            payload = await asyncio.to_thread(self._decode_oidc, self._jwks, token)
        else:
            keys = (self.config.dev_secret, *self.config.dev_previous_secrets)
            payload = self._decode(token, keys, ["HS256"])
        try:
            claims = Claims.model_validate(payload)
        except ValidationError as error:
            raise InvalidToken("claims are incomplete") from error
        return Caller(
            nif=claims.sub.upper(),
            name=claims.name,
            email=claims.email,
            roles=frozenset(claims.roles),
            authorizations=claims.authorizations,
        )

    def _decode_oidc(self, jwks: jwt.PyJWKClient, token: str) -> dict[str, Any]:
        try:
            key = jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWTError as error:
            raise InvalidToken("unknown signing key") from error
        return self._decode(token, (key,), ASYMMETRIC_ALGORITHMS)

    def _decode(self, token: str, keys: Sequence[Any], algorithms: list[str]) -> dict[str, Any]:
        """The payload of a token signed with one of `keys` (tried in order: the signature is
        checked before the claims, so a token signed with a later key fails the earlier ones on
        its signature only) whose claims are good."""
        failure: jwt.PyJWTError = jwt.InvalidSignatureError("no key")
        for key in keys:
            try:
                payload: dict[str, Any] = jwt.decode(
                    token,
                    key,
                    algorithms=algorithms,
                    audience=self.config.audience,
                    issuer=self.config.issuer,
                    options={"require": ["exp", "iss", "aud", "sub"]},
                )
            except jwt.InvalidSignatureError as error:
                failure = error
                continue
            except jwt.PyJWTError as error:
                raise InvalidToken(str(error)) from error
            return payload
        raise InvalidToken(str(failure)) from failure


def mint_dev_token(secret: str, claims: Claims, *, now: int, ttl_seconds: int) -> str:
    """An HS256 token for a gateway in ``dev`` mode with ``secret`` and the default dev issuer and
    audience (local use and tests only)."""
    payload = {
        **claims.model_dump(mode="json", exclude_none=True),
        "iss": DEV_ISSUER,
        "aud": DEV_AUDIENCE,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(payload, secret, algorithm="HS256")
