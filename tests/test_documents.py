"""Documents end to end: uploaded with the alta or later, checked, stored, downloaded by whoever
may see the case; hostile files refused at once with nothing left behind."""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any

import httpx
import pytest

from casia_local.faults import paused
from casia_uploads import testing as samples

from .conftest import Autorizado, Tramitador, new_autorizado
from .journeys import act, consented, notices_about, open_case
from .uploading import FileSpec, multipart, open_with_files, quarantined, remove_quarantined

pytestmark = pytest.mark.e2e

NOMINA = samples.pdf(marker="nomina-enero")
FOTO = samples.png()


async def settled(client: httpx.AsyncClient, location: str, headers: dict[str, str]) -> dict[str, Any]:
    """The case once none of its documents is pending any more."""
    deadline = time.monotonic() + 20
    while True:
        case: dict[str, Any] = (await client.get(location, headers=headers)).json()
        if all(d["status"] != "pending" for d in case["documents"]) or time.monotonic() > deadline:
            return case
        await asyncio.sleep(0.2)


async def test_a_tramite_opened_with_two_documents_has_both_stored_for_those_who_may_see_it(
    client: httpx.AsyncClient, autorizado: Autorizado, tramitador: Tramitador
) -> None:
    files: list[FileSpec] = [
        ("Nómina enero.pdf", NOMINA, "application/pdf", "otro", "Nómina de enero"),
        ("foto.png", FOTO, "image/png", "otro", "Foto del parte"),
    ]
    opened = await open_with_files(client, autorizado.cases_path, autorizado.headers, files)
    assert opened.status_code == 201, opened.text
    assert [d["status"] for d in opened.json()["documents"]] == ["pending", "pending"]

    location = opened.headers["Location"]
    case = await settled(client, location, autorizado.headers)

    documents = case["documents"]
    assert [(d["title"], d["status"]) for d in documents] == [
        ("Nómina de enero", "stored"),
        ("Foto del parte", "stored"),
    ]
    assert [d["sha256"] for d in documents] == [hashlib.sha256(c).hexdigest() for c in (NOMINA, FOTO)]
    for document, content in zip(documents, (NOMINA, FOTO), strict=True):
        mine = await client.get(f"{location}/documents/{document['document_id']}", headers=autorizado.headers)
        assert mine.status_code == 200 and mine.content == content
        assert mine.headers["content-disposition"].startswith("attachment;")
        assert mine.headers["x-content-type-options"] == "nosniff"
        clerks = f"{Tramitador.case_path(case['case_number'])}/documents/{document['document_id']}"
        assert (await client.get(clerks, headers=tramitador.headers)).content == content
    stranger = new_autorizado()
    theirs = f"{stranger.cases_path}/{case['case_number']}/documents/{documents[0]['document_id']}"
    assert (await client.get(theirs, headers=stranger.headers)).status_code == 404


HOSTILE: dict[str, tuple[FileSpec, int, str]] = {
    "oversize": (
        ("grande.pdf", b"%PDF-1.7\n" + b"0" * (21 * 1024 * 1024), "application/pdf", "otro", "Grande"),
        413,
        "too_large",
    ),
    "wrong-magic": (
        ("factura.pdf", FOTO, "application/pdf", "otro", "Factura"),
        422,
        "content_type_mismatch",
    ),
    "executable": (
        ("informe.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf", "otro", "Informe"),
        422,
        "content_type_mismatch",
    ),
    "traversal": (
        ("../../etc/passwd.pdf", NOMINA, "application/pdf", "otro", "Ruta"),
        422,
        "unsafe_file_name",
    ),
    "control-character": (
        ("nómina\x07.pdf", NOMINA, "application/pdf", "otro", "Control"),
        422,
        "unsafe_file_name",
    ),
    "right-to-left-override": (
        ("fdp\u202eexe.pdf", NOMINA, "application/pdf", "otro", "RTLO"),
        422,
        "unsafe_file_name",
    ),
    "encrypted-pdf": (
        ("cifrado.pdf", samples.pdf(password="clave"), "application/pdf", "otro", "Cifrado"),
        422,
        "encrypted_pdf",
    ),
    "empty": (("vacio.pdf", b"", "application/pdf", "otro", "Vacío"), 422, "empty"),
    "billion-laughs": (
        ("datos.xml", samples.billion_laughs(), "application/xml", "otro", "XML"),
        422,
        "unsafe_xml",
    ),
    "pixel-bomb": (("bomba.png", samples.pixel_bomb(), "image/png", "otro", "Bomba"), 422, "unreadable"),
    "zip-archive": (
        ("docs.zip", b"PK\x03\x04" + b"\x00" * 100, "application/zip", "otro", "Zip"),
        422,
        "unsupported_type",
    ),
    "unknown-document-type": (
        ("n.pdf", NOMINA, "application/pdf", "factura", "Factura"),
        422,
        "catalog_violation",
    ),
}


@pytest.mark.parametrize("hostile", HOSTILE)
async def test_a_hostile_file_is_refused_with_a_clear_problem_and_nothing_is_kept(
    client: httpx.AsyncClient, autorizado: Autorizado, hostile: str
) -> None:
    bad, status, code = HOSTILE[hostile]
    good: FileSpec = ("bien.pdf", NOMINA, "application/pdf", "otro", "Bien")
    before = quarantined()

    refused = await open_with_files(client, autorizado.cases_path, autorizado.headers, [good, bad], raw=True)

    assert refused.status_code == status, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert (problem["reason_code"], problem["file_index"]) == (code, 1)
    assert problem["detail"] and "\u202e" not in problem["detail"] and "\x07" not in problem["detail"]
    assert quarantined() - before == set()
    search = await client.get(autorizado.cases_path, params={"status": "all"}, headers=autorizado.headers)
    assert search.json()["cases"] == []


async def test_a_body_declared_over_the_request_limit_is_413_before_it_is_sent(
    autorizado: Autorizado,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", 8000)
    head = (
        f"POST {autorizado.cases_path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {autorizado.headers['Authorization']}\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {60 * 1024 * 1024}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode())
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)  # no body byte was sent
    writer.close()
    assert status_line.startswith(b"HTTP/1.1 413"), status_line


async def test_documents_added_later_are_stored_and_a_closed_case_takes_none(
    client: httpx.AsyncClient, autorizado: Autorizado
) -> None:
    opened = await open_case(client, autorizado.cases_path, autorizado.headers)
    location = opened.headers["Location"]
    later: FileSpec = ("relacion.csv", b"NAF;Nombre\n281234567840;Ana\n", "text/csv", "otro", "Relación")
    added = await client.post(f"{location}/information", headers=autorizado.headers, **multipart([later]))
    assert added.status_code == 200, added.text
    case = await settled(client, location, autorizado.headers)
    assert [(d["file_name"], d["status"]) for d in case["documents"]] == [("relacion.csv", "stored")]

    await act(client, f"{location}/annulment", autorizado.headers, {"reason": "Ya no es necesario."})
    before = quarantined()
    refused = await client.post(f"{location}/information", headers=autorizado.headers, **multipart([later]))
    assert refused.status_code == 409, refused.text
    assert quarantined() - before == set()
    after = (await client.get(location, headers=autorizado.headers)).json()
    assert len(after["documents"]) == 1


async def test_a_clerk_answers_with_a_document_the_autorizado_downloads(
    client: httpx.AsyncClient, autorizado: Autorizado, tramitador: Tramitador
) -> None:
    opened = await open_case(client, autorizado.cases_path, autorizado.headers)
    number, location = opened.json()["case_number"], opened.headers["Location"]
    theirs = Tramitador.case_path(number)
    await act(client, f"{theirs}/assignment", tramitador.headers)
    answer: FileSpec = (
        "resolucion.pdf",
        samples.pdf(marker="resolucion"),
        "application/pdf",
        "resolucion_administrativa",
        "Resolución",
    )
    resolved = await client.post(
        f"{theirs}/resolution",
        headers=tramitador.headers,
        **multipart([answer], answer="Adjunto la resolución."),
    )
    assert resolved.status_code == 200, resolved.text

    case = await settled(client, location, autorizado.headers)
    [document] = case["resolution"]["documents"]
    assert document["title"] == "Resolución"
    download = await client.get(f"{location}/documents/{document['document_id']}", headers=autorizado.headers)
    assert download.status_code == 200 and download.content == answer[1]


async def test_a_clerk_asks_for_information_with_a_form_the_autorizado_downloads(
    client: httpx.AsyncClient, autorizado: Autorizado, tramitador: Tramitador
) -> None:
    opened = await open_case(client, autorizado.cases_path, autorizado.headers)
    number, location = opened.json()["case_number"], opened.headers["Location"]
    theirs = Tramitador.case_path(number)
    await act(client, f"{theirs}/assignment", tramitador.headers)
    form: FileSpec = (
        "modelo.pdf",
        samples.pdf(marker="modelo"),
        "application/pdf",
        "modelo_oficial",
        "Modelo a rellenar",
    )
    asked = await client.post(
        f"{theirs}/information-request",
        headers=tramitador.headers,
        **multipart([form], message="Rellene y firme el modelo adjunto."),
    )
    assert asked.status_code == 200, asked.text
    assert asked.json()["substatus"] == "information_requested"

    case = await settled(client, location, autorizado.headers)
    [document] = case["documents"]
    assert (document["title"], document["status"]) == ("Modelo a rellenar", "stored")
    download = await client.get(f"{location}/documents/{document['document_id']}", headers=autorizado.headers)
    assert download.content == form[1]


async def test_a_document_the_documents_service_refuses_is_shown_with_its_reason_and_mailed(
    client: httpx.AsyncClient, autorizado: Autorizado, email: str, mail_api_url: str
) -> None:
    """The gateway's checks passed, but the upload was gone when the documents service came to it
    (as after the quarantine sweep): the document ends rejected, never silently dropped."""
    await consented(client, autorizado.authorization.number, autorizado.headers, email)
    spec: FileSpec = ("nomina.pdf", NOMINA, "application/pdf", "otro", "Nómina")
    with paused("documents"):
        opened = await open_with_files(client, autorizado.cases_path, autorizado.headers, [spec])
        assert opened.status_code == 201, opened.text
        [pending] = opened.json()["documents"]
        remove_quarantined(pending["document_id"])
    location = opened.headers["Location"]

    case = await settled(client, location, autorizado.headers)
    [rejected] = case["documents"]
    assert rejected["status"] == "rejected" and rejected["rejection_reason"]
    download = await client.get(f"{location}/documents/{rejected['document_id']}", headers=autorizado.headers)
    assert download.status_code == 404
    [mail] = await notices_about(mail_api_url, email, case["case_number"], subjects=["documento no aceptado"])
    assert rejected["rejection_reason"] in mail["Text"].replace("\r\n", "\n").replace("\n", " ")
