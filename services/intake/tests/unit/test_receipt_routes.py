"""A case's justificantes over HTTP, with every port faked: who sees which, the PDF download,
and the receipts in the case detail."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from casia_contracts.receipts import ReceiptKind
from casia_contracts.values import Status, Substatus
from casia_intake.auth import Role
from casia_read_models import ReceiptStatus, StoredReceipt

from ..builders import T0, pdf_bytes, stored_case, stored_receipt
from ..gateway import CASES, OTHER, Gateway, assert_problem, serving_fakes

NUMBER = "CAS-2026-0000042"
RECEIPTS = f"{CASES}/{NUMBER}/receipts"
BACKOFFICE_RECEIPTS = f"/v1/backoffice/cases/{NUMBER}/receipts"


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    async with serving_fakes() as serving:
        yield serving


def clerk_headers(gateway: Gateway) -> dict[str, str]:
    return gateway.headers(roles=[Role.TRAMITADOR], authorizations=[])


def issued(
    gateway: Gateway,
    case_number: str = NUMBER,
    *,
    kind: ReceiptKind = ReceiptKind.SOLICITUD_TRAMITE,
    issued_at: datetime = T0 + timedelta(minutes=1),
) -> tuple[StoredReceipt, bytes]:
    """An issued receipt of ``case_number`` with its PDF in the object store."""
    pdf = pdf_bytes()
    receipt = stored_receipt(case_number, pdf=pdf, kind=kind, issued_at=issued_at)
    gateway.receipt_issued(receipt, pdf)
    return receipt, pdf


# --- the list -------------------------------------------------------------------------------------


async def test_the_list_shows_only_the_issued_receipts_of_that_case_oldest_first(gateway: Gateway) -> None:
    gateway.cases.add(stored_case(NUMBER))
    later, _ = issued(
        gateway, kind=ReceiptKind.DOCUMENTACION_COMPLEMENTARIA, issued_at=T0 + timedelta(days=2)
    )
    first, _ = issued(gateway, issued_at=T0 + timedelta(minutes=1))
    issued(gateway, "CAS-2026-0000043")  # another case's
    for status in (ReceiptStatus.WAITING, ReceiptStatus.READY, ReceiptStatus.VOID):
        gateway.receipts.add(stored_receipt(NUMBER, status=status))

    response = await gateway.client.get(RECEIPTS, headers=gateway.headers())

    assert response.status_code == 200, response.text
    receipts = response.json()["receipts"]
    assert [r["receipt_id"] for r in receipts] == [first.receipt_id, later.receipt_id]
    assert [r["kind_label"] for r in receipts] == [
        "Justificante de solicitud de trámite",
        "Justificante de documentación complementaria anexada",
    ]
    shown = receipts[0]
    assert (shown["cea"], shown["pdf_sha256"]) == (first.cea, first.pdf_sha256)
    assert shown["pdf"] == f"{RECEIPTS}/{first.receipt_id}"
    [document] = shown["documents"]  # the refused one is not listed
    listed = first.listed()[0]
    assert {k: document[k] for k in ("title", "file_name", "sha256", "document_type")} == {
        "title": listed.title,
        "file_name": listed.file_name,
        "sha256": listed.sha256,
        "document_type": listed.document_type,
    }


async def test_a_case_without_issued_receipts_lists_none(gateway: Gateway) -> None:
    gateway.cases.add(stored_case(NUMBER))
    gateway.receipts.add(stored_receipt(NUMBER, status=ReceiptStatus.WAITING))

    response = await gateway.client.get(RECEIPTS, headers=gateway.headers())

    assert response.status_code == 200, response.text
    assert response.json() == {"receipts": []}


async def test_another_authorizations_case_is_404_for_its_receipts_and_their_pdfs(gateway: Gateway) -> None:
    gateway.cases.add(stored_case(NUMBER, authorization=OTHER))
    receipt, _ = issued(gateway)

    listing = await gateway.client.get(RECEIPTS, headers=gateway.headers())
    pdf = await gateway.client.get(f"{RECEIPTS}/{receipt.receipt_id}", headers=gateway.headers())

    assert_problem(listing, 404, "case-not-found")
    assert_problem(pdf, 404, "case-not-found")


async def test_the_receipt_routes_need_a_token_and_the_role(gateway: Gateway) -> None:
    gateway.cases.add(stored_case(NUMBER))
    receipt, _ = issued(gateway)
    paths = [RECEIPTS, f"{RECEIPTS}/{receipt.receipt_id}"]
    clerk_paths = [BACKOFFICE_RECEIPTS, f"{BACKOFFICE_RECEIPTS}/{receipt.receipt_id}"]

    for path in paths + clerk_paths:
        assert_problem(await gateway.client.get(path), 401, "unauthorized")
    for path in paths:
        assert_problem(await gateway.client.get(path, headers=clerk_headers(gateway)), 403, "forbidden")
    for path in clerk_paths:
        assert_problem(await gateway.client.get(path, headers=gateway.headers()), 403, "forbidden")


# --- the PDF --------------------------------------------------------------------------------------


async def test_the_pdf_is_served_as_an_attachment_with_its_length_and_fingerprint(gateway: Gateway) -> None:
    gateway.cases.add(stored_case(NUMBER))
    receipt, pdf = issued(gateway)

    response = await gateway.client.get(f"{RECEIPTS}/{receipt.receipt_id}", headers=gateway.headers())

    assert response.status_code == 200, response.text
    assert response.content == pdf
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith(f'attachment; filename="justificante-{receipt.cea}.pdf"')
    assert response.headers["content-length"] == str(len(pdf))
    assert response.headers["etag"] == f'"{hashlib.sha256(pdf).hexdigest()}"'
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "private, no-store"


async def test_a_receipt_not_issued_or_of_another_case_has_no_pdf_here(gateway: Gateway) -> None:
    gateway.cases.add(stored_case(NUMBER))
    gateway.cases.add(stored_case("CAS-2026-0000043"))
    of_another_case, _ = issued(gateway, "CAS-2026-0000043")
    ready = stored_receipt(NUMBER, status=ReceiptStatus.READY)
    gateway.receipts.add(ready)

    for receipt_id in (of_another_case.receipt_id, ready.receipt_id, "rcp-unknown"):
        response = await gateway.client.get(f"{RECEIPTS}/{receipt_id}", headers=gateway.headers())
        assert_problem(response, 404, "receipt-not-found")


async def test_a_clerk_lists_and_downloads_the_receipts_of_any_authorizations_case(gateway: Gateway) -> None:
    gateway.cases.add(stored_case(NUMBER, authorization=OTHER))
    receipt, pdf = issued(gateway)

    listing = await gateway.client.get(BACKOFFICE_RECEIPTS, headers=clerk_headers(gateway))
    download = await gateway.client.get(
        f"{BACKOFFICE_RECEIPTS}/{receipt.receipt_id}", headers=clerk_headers(gateway)
    )

    assert listing.status_code == 200, listing.text
    [shown] = listing.json()["receipts"]
    assert shown["pdf"] == f"{BACKOFFICE_RECEIPTS}/{receipt.receipt_id}"
    assert download.status_code == 200, download.text
    assert download.content == pdf


# --- in the case detail ---------------------------------------------------------------------------


async def test_the_case_detail_carries_its_receipts_for_each_audience(gateway: Gateway) -> None:
    gateway.cases.add(stored_case(NUMBER))
    receipt, _ = issued(gateway)
    gateway.receipts.add(stored_receipt(NUMBER, status=ReceiptStatus.WAITING))

    mine = await gateway.client.get(f"{CASES}/{NUMBER}", headers=gateway.headers())
    clerks = await gateway.client.get(f"/v1/backoffice/cases/{NUMBER}", headers=clerk_headers(gateway))

    assert [r["pdf"] for r in mine.json()["receipts"]] == [f"{RECEIPTS}/{receipt.receipt_id}"]
    assert [r["pdf"] for r in clerks.json()["receipts"]] == [f"{BACKOFFICE_RECEIPTS}/{receipt.receipt_id}"]


async def test_an_actions_answer_does_not_read_the_receipts(gateway: Gateway) -> None:
    resolved = stored_case(NUMBER).model_copy(
        update={"status": Status.CLOSED, "substatus": Substatus.RESOLVED, "allowed_actions": ["rate"]}
    )
    gateway.cases.add(resolved)
    issued(gateway)
    gateway.workflow_leaves(resolved.model_copy(update={"version": 2}))

    response = await gateway.client.post(
        f"{CASES}/{NUMBER}/rating", json={"score": 5}, headers=gateway.headers()
    )

    assert response.status_code == 200, response.text
    assert response.json()["receipts"] is None
