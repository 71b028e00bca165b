"""Public verification of justificantes over HTTP, with every port faked: by CEA however typed,
by the PDF's bytes, no hint about near matches, no token, and the per-address rate limit."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial

import httpx
import pytest

from casia_contracts.cea import cea_from_bytes
from casia_read_models import ReceiptStatus, StoredReceipt

from ..builders import pdf_bytes, stored_receipt
from ..gateway import Gateway, assert_problem, serving_fakes

VERIFY = "/v1/receipts/verify"
NUMBER = "CAS-2026-0000042"


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    async with serving_fakes() as serving:
        yield serving


def issued(gateway: Gateway) -> tuple[StoredReceipt, bytes]:
    """An issued receipt whose CEA starts with zeros (to be typed as O), with its PDF stored."""
    pdf = pdf_bytes()
    receipt = stored_receipt(NUMBER, pdf=pdf)
    receipt = receipt.model_copy(update={"cea": cea_from_bytes(b"\x00\x00" + secrets.token_bytes(8))})
    gateway.receipt_issued(receipt, pdf)
    return receipt, pdf


def typed_loosely(cea: str) -> str:
    """How a person might type it: lower case, spaces for hyphens, the letter O for zero."""
    return cea.lower().replace("-", " ").replace("0", "o")


def upload(pdf: bytes) -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("justificante.pdf", pdf, "application/pdf")}


# --- by CEA ---------------------------------------------------------------------------------------


async def test_a_cea_typed_loosely_finds_its_receipt_and_links_its_pdf(gateway: Gateway) -> None:
    receipt, pdf = issued(gateway)
    assert "o" in typed_loosely(receipt.cea)

    response = await gateway.client.get(f"{VERIFY}/{typed_loosely(receipt.cea)}")

    assert response.status_code == 200, response.text
    shown = response.json()
    assert datetime.fromisoformat(shown.pop("issued_at")) == receipt.issued_at
    assert shown == {
        "case_number": NUMBER,
        "kind": "solicitud_tramite",
        "kind_label": "Justificante de solicitud de trámite",
        "cea": receipt.cea,
        "pdf_sha256": receipt.pdf_sha256,
        "pdf": f"{VERIFY}/{receipt.cea}/pdf",
    }
    download = await gateway.client.get(shown["pdf"])
    assert download.status_code == 200, download.text
    assert download.content == pdf
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")


async def test_the_pdf_route_takes_the_cea_however_typed_too(gateway: Gateway) -> None:
    receipt, pdf = issued(gateway)

    response = await gateway.client.get(f"{VERIFY}/{typed_loosely(receipt.cea)}/pdf")

    assert response.status_code == 200, response.text
    assert response.content == pdf


async def test_unknown_and_malformed_codes_get_the_same_404_without_repeating_them(gateway: Gateway) -> None:
    receipt, _ = issued(gateway)
    near_miss = ("1" if receipt.cea[0] != "1" else "2") + receipt.cea[1:]
    waiting = stored_receipt(NUMBER, status=ReceiptStatus.WAITING)
    gateway.receipts.add(waiting)

    answers = [
        await gateway.client.get(f"{VERIFY}/{code}{tail}")
        for code in (near_miss, waiting.cea, "NOT-A-CEA", "7QXM-4KD2-HR9B-3WEU", "x" * 300)
        for tail in ("", "/pdf")
    ]

    for response in answers:
        assert_problem(response, 404, "receipt-not-found")
    bodies = [{k: v for k, v in r.json().items() if k != "instance"} for r in answers]
    assert all(body == bodies[0] for body in bodies)
    assert all(r.json()["instance"].startswith("urn:casia:request:") for r in answers)
    assert not any(near_miss in r.text or "NOT-A-CEA" in r.text for r in answers)


# --- by the PDF's bytes ---------------------------------------------------------------------------


async def test_the_exact_pdf_is_verified_as_a_file_part_or_as_the_body(gateway: Gateway) -> None:
    receipt, pdf = issued(gateway)

    as_part = await gateway.client.post(VERIFY, files=upload(pdf))
    as_body = await gateway.client.post(VERIFY, content=pdf, headers={"Content-Type": "application/pdf"})

    for response in (as_part, as_body):
        assert response.status_code == 200, response.text
        assert response.json()["verified"] is True
        assert response.json()["receipt"]["cea"] == receipt.cea
        assert response.json()["receipt"]["case_number"] == NUMBER
        assert response.json()["receipt"]["pdf"] == f"{VERIFY}/{receipt.cea}/pdf"


async def test_a_pdf_body_may_exceed_the_json_limit_up_to_the_upload_limit(gateway: Gateway) -> None:
    pdf = b"%PDF-1.7\n" + bytes(gateway.settings.max_body_bytes * 2)
    too_large = {
        "Content-Type": "application/pdf",
        "Content-Length": str(gateway.settings.max_upload_request_bytes + 1),
    }

    accepted = await gateway.client.post(VERIFY, content=pdf, headers={"Content-Type": "application/pdf"})
    refused = await gateway.client.post(VERIFY, content=b"%PDF", headers=too_large)

    assert accepted.json() == {"verified": False}
    assert_problem(refused, 413, "content-too-large")


async def test_a_pdf_with_one_byte_changed_is_not_verified(gateway: Gateway) -> None:
    _, pdf = issued(gateway)
    altered = bytearray(pdf)
    altered[len(pdf) // 2] ^= 0x01

    as_part = await gateway.client.post(VERIFY, files=upload(bytes(altered)))
    as_body = await gateway.client.post(
        VERIFY, content=bytes(altered), headers={"Content-Type": "application/pdf"}
    )

    for response in (as_part, as_body):
        assert response.status_code == 200, response.text
        assert response.json() == {"verified": False}


async def test_the_pdf_of_a_receipt_not_issued_yet_is_not_verified(gateway: Gateway) -> None:
    pdf = pdf_bytes()
    ready = stored_receipt(NUMBER, pdf=pdf, status=ReceiptStatus.READY)
    gateway.receipts.add(ready)

    response = await gateway.client.post(VERIFY, files=upload(pdf))

    assert response.json() == {"verified": False}


async def test_a_verification_without_a_file_is_422(gateway: Gateway) -> None:
    other_part = await gateway.client.post(VERIFY, data={"note": "x"}, files={"other": ("a.pdf", b"%PDF")})
    empty_part = await gateway.client.post(VERIFY, files={"file": ("a.pdf", b"")})
    empty_body = await gateway.client.post(VERIFY, content=b"", headers={"Content-Type": "application/pdf"})
    nothing = await gateway.client.post(VERIFY)
    two_files = await gateway.client.post(
        VERIFY, files=[("file", ("a.pdf", b"%PDF-a")), ("file", ("b.pdf", b"%PDF-b"))]
    )

    for response in (other_part, empty_part, empty_body, nothing):
        assert_problem(response, 422, "missing-file")
    assert_problem(two_files, 422, "malformed-upload")


async def test_a_verification_in_another_media_type_is_415(gateway: Gateway) -> None:
    response = await gateway.client.post(VERIFY, json={"file": "JVBERi0="})

    assert_problem(response, 415, "unsupported-media-type")


# --- public, and limited per address --------------------------------------------------------------


async def test_verification_needs_no_token_and_ignores_a_bad_one(gateway: Gateway) -> None:
    receipt, pdf = issued(gateway)
    bad = {"Authorization": "Bearer not-a-token"}

    for headers in ({}, bad):
        assert (await gateway.client.get(f"{VERIFY}/{receipt.cea}", headers=headers)).status_code == 200
        assert (await gateway.client.get(f"{VERIFY}/{receipt.cea}/pdf", headers=headers)).status_code == 200
        response = await gateway.client.post(VERIFY, files=upload(pdf), headers=headers)
        assert response.json()["verified"] is True


async def test_an_address_over_the_limit_gets_429_until_the_window_moves(gateway: Gateway) -> None:
    receipt, pdf = issued(gateway)
    limit = gateway.settings.verify_rate_per_minute
    routes: list[Callable[[], Awaitable[httpx.Response]]] = [
        partial(gateway.client.get, f"{VERIFY}/{receipt.cea}"),
        partial(gateway.client.get, f"{VERIFY}/{receipt.cea}/pdf"),
        partial(gateway.client.post, VERIFY, files=upload(pdf)),
    ]

    answered = [await routes[i % 3]() for i in range(limit)]
    gateway.clock.advance(timedelta(seconds=45))
    refused = [await route() for route in routes]

    assert all(r.status_code == 200 for r in answered)
    for response in refused:
        assert_problem(response, 429, "too-many-requests")
        assert response.headers["Retry-After"] == "15"
    gateway.clock.advance(timedelta(seconds=15))
    assert (await routes[0]()).status_code == 200


async def test_the_limit_counts_each_address_on_its_own(gateway: Gateway) -> None:
    receipt, _ = issued(gateway)
    path = f"{VERIFY}/{receipt.cea}"
    for _ in range(gateway.settings.verify_rate_per_minute):
        await gateway.client.get(path)

    async with gateway.client_at("203.0.113.7") as elsewhere:
        other = await elsewhere.get(path)

    assert_problem(await gateway.client.get(path), 429, "too-many-requests")
    assert other.status_code == 200, other.text


async def test_the_limit_leaves_the_other_routes_alone(gateway: Gateway) -> None:
    for _ in range(gateway.settings.verify_rate_per_minute + 1):
        await gateway.client.get(f"{VERIFY}/0000-0000-0000-0000")

    assert (await gateway.client.get("/healthz")).status_code == 200
    assert (await gateway.client.get("/v1/me", headers=gateway.headers())).status_code == 200


async def test_the_openapi_document_describes_the_public_routes(gateway: Gateway) -> None:
    document = (await gateway.client.get("/openapi.json")).json()

    post = document["paths"][VERIFY]["post"]
    content = post["requestBody"]["content"]
    assert content["multipart/form-data"]["schema"]["required"] == ["file"]
    assert content["application/pdf"]["schema"]["format"] == "binary"
    for path in (f"{VERIFY}/{{cea}}", f"{VERIFY}/{{cea}}/pdf"):
        assert "security" not in document["paths"][path]["get"]
    assert "security" not in post
    assert "429" in post["responses"]
