"""End-to-end fixtures: the running system, reached as a client would (HTTP, SMTP viewer, Kafka)."""

from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from casia_intake.auth import AuthorizationClaim, Claims, Role, mint_dev_token
from casia_intake.settings import IntakeSettings
from casia_local.auth import dev_secret
from casia_local.settings import Settings


@dataclass(frozen=True)
class Autorizado:
    """A user of the test's own, with one authorization of its own, and their token."""

    nif: str
    name: str
    authorization: AuthorizationClaim
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def cases_path(self) -> str:
        return f"/v1/authorizations/{self.authorization.number}/cases"


@pytest.fixture(scope="session")
def gateway_url() -> str:
    return os.environ.get("CASIA_GATEWAY_URL", "http://127.0.0.1:8000")


@pytest.fixture(scope="session")
def mail_api_url() -> str:
    return os.environ.get("CASIA_MAIL_API_URL", "http://127.0.0.1:8025/api/v1")


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return IntakeSettings().kafka_bootstrap


@pytest.fixture
async def client(gateway_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30.0) as http:
        yield http


def new_nif() -> str:
    number = f"{random.randint(10_000_000, 99_999_999)}"
    return number + "TRWAGMYFPDXBNJZSQVHLCKE"[int(number) % 23]


def new_autorizado(
    *, roles: tuple[Role, ...] = (Role.AUTORIZADO,), authorizations: tuple[AuthorizationClaim, ...] = ()
) -> Autorizado:
    """A new user with an authorization of their own (the first of ``authorizations`` if given:
    a user may hold several)."""
    authorizations = authorizations or (
        AuthorizationClaim(
            number=str(random.randint(1_000_000, 9_999_999)),
            holder_nif="B12345674",
            business_name="Gestoría Pruebas & Cía SL",
        ),
    )
    authorization = authorizations[0]
    nif = new_nif()
    claims = Claims(sub=nif, name="Ana Pérez Núñez", roles=roles, authorizations=authorizations)
    token = mint_dev_token(dev_secret(Settings.from_env()), claims, now=int(time.time()), ttl_seconds=600)
    return Autorizado(nif=nif, name=claims.name, authorization=authorization, token=token)


@pytest.fixture
def autorizado() -> Autorizado:
    return new_autorizado()


@pytest.fixture
def email() -> str:
    return f"autorizado-{uuid.uuid4().hex[:10]}@gestoria-pruebas.es"


@dataclass(frozen=True)
class Tramitador:
    """A clerk of the test's own, and their token (no authorizations: clerks act across them)."""

    nif: str
    name: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @staticmethod
    def case_path(case_number: str) -> str:
        return f"/v1/backoffice/cases/{case_number}"


def new_tramitador(name: str = "Luis Gómez Ruiz") -> Tramitador:
    claims = Claims(sub=new_nif(), name=name, roles=(Role.TRAMITADOR,), authorizations=())
    token = mint_dev_token(dev_secret(Settings.from_env()), claims, now=int(time.time()), ttl_seconds=600)
    return Tramitador(nif=claims.sub, name=name, token=token)


@pytest.fixture
def tramitador() -> Tramitador:
    return new_tramitador()
