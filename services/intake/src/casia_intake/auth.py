"""Who is calling: bearer JWTs checked for issuer, audience, expiry and signature.

Local/dev tokens are HS256 with the configured secret; production tokens come from the OIDC
issuer and are checked against its JWKS. Unsigned tokens and ``alg: none`` are refused because
only the expected algorithms are accepted.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import jwt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from casia_intake.settings import IntakeSettings

ASYMMETRIC_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


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
    """The token is missing, malformed, expired, or not ours."""


class TokenVerifier:
    def __init__(self, settings: IntakeSettings) -> None:
        self._settings = settings
        self._jwks = (
            jwt.PyJWKClient(settings.auth_jwks_url, cache_keys=True)
            if settings.auth_mode == "oidc" and settings.auth_jwks_url
            else None
        )

    async def verify(self, token: str) -> Caller:
        if self._settings.auth_mode == "oidc":
            payload = await asyncio.to_thread(self._decode_oidc, token)
        else:
            payload = self._decode(token, self._settings.auth_dev_secret.get_secret_value(), ["HS256"])
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

    def _decode_oidc(self, token: str) -> dict[str, Any]:
        if self._jwks is None:
            raise InvalidToken("no JWKS configured")
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWTError as error:
            raise InvalidToken("unknown signing key") from error
        return self._decode(token, key, ASYMMETRIC_ALGORITHMS)

    def _decode(self, token: str, key: Any, algorithms: list[str]) -> dict[str, Any]:
        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._settings.auth_audience,
                issuer=self._settings.auth_issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from error
        return payload


def mint_dev_token(settings: IntakeSettings, claims: Claims, *, now: int, ttl_seconds: int) -> str:
    """An HS256 token for local use, with the issuer and audience intake expects."""
    payload = {
        **claims.model_dump(mode="json", exclude_none=True),
        "iss": settings.auth_issuer,
        "aud": settings.auth_audience,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(payload, settings.auth_dev_secret.get_secret_value(), algorithm="HS256")
