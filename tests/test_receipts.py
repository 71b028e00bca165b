"""Justificantes end to end: a trámite with two documents gets one whose PDF lists both with their
fingerprints and whose CEA anyone can verify; the PDF itself verifies, one altered byte does not;
documents added later get a complementary one; each is e-mailed to the contact."""

from __future__ import annotations

import asyncio
import hashlib
import io
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from pypdf import PdfReader

from casia_uploads import testing as samples

from .conftest import Autorizado, Tramitador, new_autorizado
from .journeys import consented, notices_about
from .uploading import FileSpec, multipart, open_with_files

pytestmark = pytest.mark.e2e


async def issued(
    client: httpx.AsyncClient, location: str, headers: dict[str, str], *, count: int
) -> list[dict[str, Any]]:
    """The case's receipts once ``count`` are issued."""
    deadline = time.monotonic() + 30
    while True:
        listed = (await client.get(f"{location}/receipts", headers=headers)).json()["receipts"]
        if len(listed) >= count or time.monotonic() > deadline:
            assert len(listed) == count, listed
            return list(listed)
        await asyncio.sleep(0.3)


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_a_tramite_with_two_documents_gets_a_verifiable_justificante(
    client: httpx.AsyncClient, autorizado: Autorizado, tramitador: Tramitador, email: str, mail_api_url: str
) -> None:
    await consented(client, autorizado.authorization.number, autorizado.headers, email)
    nomina, contrato = samples.pdf(marker="nomina"), samples.pdf(marker="contrato")
    files: list[FileSpec] = [
        ("nomina.pdf", nomina, "application/pdf", "otro", "Nómina de enero"),
        ("contrato.pdf", contrato, "application/pdf", "otro", "Contrato de trabajo"),
    ]
    opened = await open_with_files(client, autorizado.cases_path, autorizado.headers, files)
    assert opened.status_code == 201, opened.text
    number, location = opened.json()["case_number"], opened.headers["Location"]

    [receipt] = await issued(client, location, autorizado.headers, count=1)
    assert receipt["kind"] == "solicitud_tramite"
    fingerprints = [hashlib.sha256(c).hexdigest() for c in (nomina, contrato)]
    assert [d["sha256"] for d in receipt["documents"]] == fingerprints
    pdf = (await client.get(receipt["pdf"], headers=autorizado.headers)).content
    assert hashlib.sha256(pdf).hexdigest() == receipt["pdf_sha256"]
    text = text_of(pdf)
    opened_at = datetime.now(ZoneInfo("Europe/Madrid")).strftime("%d/%m/%Y")  # as printed
    for expected in (
        number,
        receipt["cea"],
        "Justificante de solicitud de trámite",
        opened_at,
        *fingerprints,
    ):
        assert expected in text, expected
    clerks = await client.get(f"{Tramitador.case_path(number)}/receipts", headers=tramitador.headers)
    assert [r["receipt_id"] for r in clerks.json()["receipts"]] == [receipt["receipt_id"]]
    stranger = new_autorizado()
    theirs = await client.get(f"{stranger.cases_path}/{number}/receipts", headers=stranger.headers)
    assert theirs.status_code == 404

    typed_loosely = receipt["cea"].lower().replace("-", " ")
    verified = await client.get(f"/v1/receipts/verify/{typed_loosely}")
    assert verified.status_code == 200 and verified.json()["case_number"] == number
    assert (await client.get(verified.json()["pdf"])).content == pdf
    upload = await client.post(
        "/v1/receipts/verify", files={"file": ("justificante.pdf", pdf, "application/pdf")}
    )
    assert upload.json()["verified"] is True and upload.json()["receipt"]["case_number"] == number
    altered = bytearray(pdf)
    altered[len(altered) // 2] ^= 0x01
    tampered = await client.post(
        "/v1/receipts/verify", content=bytes(altered), headers={"Content-Type": "application/pdf"}
    )
    assert tampered.json() == {"verified": False}

    [mail] = await notices_about(
        mail_api_url, email, number, subjects=["Justificante de solicitud de trámite"]
    )
    assert receipt["cea"] in mail["Text"]


async def test_an_unknown_or_malformed_cea_says_nothing_about_near_matches(client: httpx.AsyncClient) -> None:
    unknown = await client.get("/v1/receipts/verify/0000-0000-0000-0000")
    malformed = await client.get("/v1/receipts/verify/not-a-code")
    assert unknown.status_code == malformed.status_code == 404
    assert {k: v for k, v in unknown.json().items() if k != "instance"} == {
        k: v for k, v in malformed.json().items() if k != "instance"
    }


async def test_documents_added_later_get_a_complementary_justificante(
    client: httpx.AsyncClient, autorizado: Autorizado
) -> None:
    first: FileSpec = (
        "solicitud.pdf",
        samples.pdf(marker="solicitud"),
        "application/pdf",
        "otro",
        "Solicitud",
    )
    opened = await open_with_files(client, autorizado.cases_path, autorizado.headers, [first])
    location = opened.headers["Location"]
    await issued(client, location, autorizado.headers, count=1)

    later: FileSpec = ("anexo.png", samples.png(), "image/png", "otro", "Anexo fotográfico")
    added = await client.post(f"{location}/information", headers=autorizado.headers, **multipart([later]))
    assert added.status_code == 200, added.text

    opening, complementary = await issued(client, location, autorizado.headers, count=2)
    assert (opening["kind"], complementary["kind"]) == ("solicitud_tramite", "documentacion_complementaria")
    assert [d["title"] for d in complementary["documents"]] == ["Anexo fotográfico"]
    assert opening["cea"] != complementary["cea"]
    pdf = (await client.get(complementary["pdf"], headers=autorizado.headers)).content
    assert "Justificante de documentación complementaria anexada" in text_of(pdf)
