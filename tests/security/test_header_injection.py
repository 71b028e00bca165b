"""Header injection through what people type: CR, LF and other control characters in a
single-line field (title, additional data, contact e-mail, a person's name), in the
Idempotency-Key and X-Request-ID headers, and in the names of uploaded files are refused (422
problem+json, or 400 from the HTTP server for a request it cannot parse) or kept as plain text,
and never come back in a header of an answer. A download's Content-Disposition is one well-formed
RFC 6266 header whatever the file was called.

Multi-line texts, which keep their line breaks, are followed through the notices and the logs in
:mod:`.test_log_and_mail_injection`. Which characters each kind of field refuses is unit-tested in
services/intake/tests/unit/test_hostile_requests.py; other hostile files in tests/test_documents.py.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from casia_uploads import testing as samples

from ..conftest import Autorizado, new_autorizado, new_tramitador
from ..journeys import CONSULTA, open_case, stored_case
from ..uploading import TRAMITE_BAJA, FileSpec, open_with_files
from .support import assert_problem, raw_exchange, request_head

pytestmark = pytest.mark.e2e

SPY = "spy-{marker}@ejemplo.es"
DISPOSITION = re.compile(
    r"""attachment; filename="([ !#-\[\]-~]*)"; filename\*=UTF-8''([A-Za-z0-9!#$&+.^_`|~%-]*)"""
)
"""RFC 6266: an ASCII fallback name with no quote, backslash or control character, and the
name itself percent-encoded in UTF-8 (RFC 8187)."""


def injected(marker: str) -> str:
    return f"Duda\r\nBcc: {SPY.format(marker=marker)}\r\nX-Injected: {marker}"


@dataclass(frozen=True)
class Hostile:
    method: str
    path: str
    body: dict[str, Any]
    clerk: bool = False


def single_line_fields(autorizado: Autorizado, case_number: str, marker: str) -> dict[str, Hostile]:
    bad = injected(marker)
    cases, mine = autorizado.cases_path, f"{autorizado.cases_path}/{case_number}"
    ccc = {**TRAMITE_BAJA, "additional_data": {"ccc": bad, "naf": "28 12345678 40"}}
    reclassify = {k: ccc[k] for k in ("case_type", "subject", "category", "subcategory", "additional_data")}
    return {
        "title (CR LF)": Hostile("POST", cases, {**CONSULTA, "title": bad}),
        "title (escape sequence)": Hostile("POST", cases, {**CONSULTA, "title": f"Duda\x1b[2J{marker}"}),
        "title (line separator)": Hostile("POST", cases, {**CONSULTA, "title": f"Duda\u2028{marker}"}),
        "additional data": Hostile("POST", cases, ccc),
        "additional data of a reclassification": Hostile("POST", f"{mine}/reclassification", reclassify),
        "contact e-mail": Hostile(
            "PUT",
            f"/v1/authorizations/{autorizado.authorization.number}/contact",
            {"email": f"a@ejemplo.es\r\nBcc: {SPY.format(marker=marker)}", "consent": True},
        ),
        "assignee's name": Hostile(
            "POST",
            f"/v1/backoffice/cases/{case_number}/assignment",
            {"assignee": {"nif": "12345678Z", "name": bad}},
            clerk=True,
        ),
    }


@pytest.fixture
async def opened(client: httpx.AsyncClient) -> tuple[Autorizado, str]:
    autorizado = new_autorizado()
    response = await open_case(client, autorizado.cases_path, autorizado.headers)
    assert response.status_code in (201, 202), response.text
    case = await stored_case(client, response.headers["Location"], autorizado.headers)
    return autorizado, case["case_number"]


async def test_control_characters_in_a_single_line_field_are_422_and_nothing_comes_back(
    client: httpx.AsyncClient, opened: tuple[Autorizado, str]
) -> None:
    autorizado, case_number = opened
    marker, clerk = uuid.uuid4().hex[:10], new_tramitador()

    for name, hostile in single_line_fields(autorizado, case_number, marker).items():
        headers = clerk.headers if hostile.clerk else autorizado.headers
        answer = await client.request(hostile.method, hostile.path, json=hostile.body, headers=headers)

        assert_problem(answer, 422, "validation-error")
        assert marker not in answer.text and marker not in str(answer.headers), name
        assert not {"bcc", "x-injected"} & set(answer.headers), name
    listed = await client.get(autorizado.cases_path, params={"status": "all"}, headers=autorizado.headers)
    contact = await client.get(
        f"/v1/authorizations/{autorizado.authorization.number}/contact", headers=autorizado.headers
    )
    assert [c["case_number"] for c in listed.json()["cases"]] == [case_number]  # no alta slipped in
    assert contact.json()["email"] is None


RAW_IDEMPOTENCY_KEYS = {
    "SOH": (b"abc\x01def", 422),
    "DEL": (b"abc\x7fdef", 422),
    "tab": (b"abc\tdef", 422),
    "CR LF and a folded line": (b"abc\r\n X-Injected: 1", 422),
    "NUL": (b"abc\x00def", 400),
    "a bare CR": (b"abc\rX-Injected: 1", 400),
}


@pytest.mark.parametrize("key", RAW_IDEMPOTENCY_KEYS)
async def test_a_hostile_idempotency_key_is_refused_and_opens_nothing(
    client: httpx.AsyncClient, gateway_url: str, key: str
) -> None:
    autorizado = new_autorizado()
    value, status = RAW_IDEMPOTENCY_KEYS[key]
    body = httpx.Request("POST", "/", json=CONSULTA).read()
    head = request_head(
        "POST",
        autorizado.cases_path,
        f"Authorization: {autorizado.headers['Authorization']}".encode(),
        b"Content-Type: application/json",
        f"Content-Length: {len(body)}".encode(),
        b"Idempotency-Key: " + value,
    )

    answer = await raw_exchange(gateway_url, head, body)

    assert answer.status == status, (answer.status, answer.body[:300])
    assert "x-injected" not in answer.header_names()
    if status == 422:  # 400: the HTTP server could not parse the request; the app never saw it
        assert answer.header("content-type") == "application/problem+json"
        assert b'"location":["header","idempotency-key"]' in answer.body
    listed = await client.get(autorizado.cases_path, params={"status": "all"}, headers=autorizado.headers)
    assert listed.json()["cases"] == []


@pytest.mark.parametrize(
    "offered",
    [b"abc\x01X-Injected: 1", b"abc def", b"<script>", b"a" * 200, "peticiÃ³n".encode("latin-1")],
    ids=["SOH", "space", "markup", "too long", "not ASCII"],
)
async def test_a_request_id_that_is_not_plain_is_replaced_not_echoed(
    gateway_url: str, offered: bytes
) -> None:
    autorizado = new_autorizado()
    head = request_head(
        "GET",
        "/v1/me",
        f"Authorization: {autorizado.headers['Authorization']}".encode(),
        b"X-Request-ID: " + offered,
    )

    answer = await raw_exchange(gateway_url, head)

    assert answer.status == 200, answer.body[:300]
    assert uuid.UUID(answer.header("x-request-id") or "")  # a new id, not the caller's
    assert "x-injected" not in answer.header_names()


RAW_FILE_NAMES = {
    "CR LF": "a\r\nBcc: {spy}\r\nb.pdf",
    "a bare LF": "a\nX-Injected: 1.pdf",
    "a bare CR": "a\rX-Injected: 1.pdf",
    "NUL": "a\x00b.pdf",
}


@pytest.mark.parametrize("name", RAW_FILE_NAMES)
async def test_a_file_name_with_a_line_break_or_nul_is_refused_and_nothing_is_kept(
    client: httpx.AsyncClient, name: str
) -> None:
    autorizado = new_autorizado()
    hostile: FileSpec = (
        RAW_FILE_NAMES[name].format(spy=SPY.format(marker="f")),
        samples.pdf(marker="nombre"),
        "application/pdf",
        "otro",
        "Nómina",
    )

    answer = await open_with_files(client, autorizado.cases_path, autorizado.headers, [hostile], raw=True)

    assert_problem(answer, 422)
    assert answer.json()["type"] in {"/problems/malformed-upload", "/problems/document-refused"}
    assert not {"bcc", "x-injected"} & set(answer.headers)
    listed = await client.get(autorizado.cases_path, params={"status": "all"}, headers=autorizado.headers)
    assert listed.json()["cases"] == []


async def test_a_file_name_with_quotes_and_separators_downloads_under_one_clean_content_disposition(
    client: httpx.AsyncClient,
) -> None:
    autorizado = new_autorizado()
    raw_name = 'nómina \\"enero\\"; filename=evil.exe %0D%0A.pdf'  # escaped quotes, as RFC 7578 writes them
    upload: FileSpec = (
        raw_name,
        samples.pdf(marker="comillas"),
        "application/pdf",
        "otro",
        "Nómina\r\nde enero",
    )

    opened = await open_with_files(client, autorizado.cases_path, autorizado.headers, [upload], raw=True)
    assert opened.status_code in (201, 202), opened.text
    document = await stored_document(client, opened.headers["Location"], autorizado.headers)
    download = await client.get(
        f"{opened.headers['Location']}/documents/{document['document_id']}", headers=autorizado.headers
    )

    assert download.status_code == 200, download.text
    assert document["title"] == "Nómina de enero"  # a document's title is one line
    assert not set('"\r\n\\') & set(document["file_name"])
    [disposition] = download.headers.get_list("content-disposition")
    shape = DISPOSITION.fullmatch(disposition)
    assert shape is not None, disposition
    assert unquote(shape.group(2), errors="strict") == document["file_name"]
    assert not {"bcc", "x-injected"} & set(download.headers)


async def stored_document(
    client: httpx.AsyncClient, location: str, headers: dict[str, str]
) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        read = await client.get(location, headers=headers)
        documents = read.json()["documents"] if read.status_code == 200 else []
        if documents and documents[0]["status"] == "stored":
            found: dict[str, Any] = documents[0]
            return found
        assert time.monotonic() < deadline, read.text
        await asyncio.sleep(0.2)
