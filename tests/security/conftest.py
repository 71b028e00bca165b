"""Fixtures of the security suite: the running gateway's routes, and a case of an authorization
of its own (a trámite with a stored document and its justificante) that every refused request
must leave as it was."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from casia_uploads import testing as samples

from ..conftest import Autorizado, new_autorizado
from ..journeys import consented
from ..uploading import open_with_files
from .support import Route, served_routes


@dataclass(frozen=True)
class Victim:
    """Authorization B: its holder, one case with a document and a receipt, and its contact."""

    holder: Autorizado
    case_number: str
    document_id: str
    receipt_id: str
    email: str

    @property
    def case_path(self) -> str:
        return f"{self.holder.cases_path}/{self.case_number}"

    def values(self, authorization: str | None = None) -> dict[str, str]:
        """Path parameters naming this case (under ``authorization``, B's by default)."""
        return {
            "authorization": authorization or self.holder.authorization.number,
            "case_number": self.case_number,
            "document_id": self.document_id,
            "receipt_id": self.receipt_id,
        }


@pytest.fixture(scope="session")
async def session_client(gateway_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30.0) as http:
        yield http


@pytest.fixture(scope="session")
async def routes(session_client: httpx.AsyncClient) -> list[Route]:
    return await served_routes(session_client)


@pytest.fixture(scope="session")
async def victim(session_client: httpx.AsyncClient) -> Victim:
    holder = new_autorizado()
    email = f"victima-{holder.authorization.number}@gestoria-pruebas.es"
    await consented(session_client, holder.authorization.number, holder.headers, email)
    nomina = ("nomina.pdf", samples.pdf(marker="seguridad"), "application/pdf", "otro", "Nómina")
    opened = await open_with_files(session_client, holder.cases_path, holder.headers, [nomina])
    assert opened.status_code in (201, 202), opened.text  # 202: stored a moment later
    case = await _with_document_and_receipt(session_client, opened.headers["Location"], holder.headers)
    return Victim(
        holder=holder,
        case_number=case["case_number"],
        document_id=case["documents"][0]["document_id"],
        receipt_id=case["receipts"][0]["receipt_id"],
        email=email,
    )


async def _with_document_and_receipt(
    client: httpx.AsyncClient, location: str, headers: dict[str, str]
) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        read = await client.get(location, headers=headers)
        case: dict[str, Any] = read.json() if read.status_code == 200 else {"documents": [{}], "receipts": []}
        if case["documents"][0].get("status") == "stored" and case["receipts"]:
            return case
        assert time.monotonic() < deadline, f"document or receipt never came: {read.text}"
        await asyncio.sleep(0.2)
