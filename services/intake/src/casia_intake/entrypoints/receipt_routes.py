"""A case's justificantes, to the holders of its authorization and to clerks: the list (also in
the case detail) and each receipt's PDF.

Only issued receipts exist here; a case the caller may not see is 404 (:func:`case_of`), and so
is a receipt that is not an issued receipt of that case. The PDF is streamed from the object
store as an attachment, like a case's documents (:mod:`~casia_intake.entrypoints.downloads`).
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from casia_intake.entrypoints.content import PDF
from casia_intake.entrypoints.dependencies import Application
from casia_intake.entrypoints.downloads import attachment_headers
from casia_intake.entrypoints.identity import ActingAuthorization, Clerk
from casia_intake.entrypoints.lookups import case_of
from casia_intake.entrypoints.problems import Problem
from casia_intake.entrypoints.receipt_views import ReceiptList, ReceiptView, receipt_file_name
from casia_intake.service.application import IntakeApp
from casia_intake.service.receipts import IssuedReceipt
from casia_read_models import StoredCase

router = APIRouter()

PDF_FILE: Final[dict[int | str, dict[str, Any]]] = {
    200: {"content": {PDF: {}}, "description": "El justificante en PDF"},
    404: {},
}


def autorizado_receipts(authorization: str, case_number: str) -> str:
    """The path of the case's receipts for the holders of ``authorization``."""
    return f"/v1/authorizations/{authorization}/cases/{case_number}/receipts"


def backoffice_receipts(case_number: str) -> str:
    """The path of the case's receipts in the back office."""
    return f"/v1/backoffice/cases/{case_number}/receipts"


@router.get(
    "/v1/authorizations/{authorization}/cases/{case_number}/receipts",
    tags=["autorizado"],
    summary="Justificantes del caso",
    response_model=ReceiptList,
    responses={404: {}},
)
async def list_receipts(
    case_number: str, intake: Application, authorization: ActingAuthorization
) -> ReceiptList:
    stored = await case_of(intake, case_number, authorization=authorization.number)
    under = autorizado_receipts(authorization.number, stored.case_number)
    return ReceiptList(receipts=await receipts_of(intake, stored, under=under))


@router.get(
    "/v1/authorizations/{authorization}/cases/{case_number}/receipts/{receipt_id}",
    tags=["autorizado"],
    summary="Descargar un justificante del caso (PDF)",
    response_class=StreamingResponse,
    responses=PDF_FILE,
)
async def download_receipt(
    case_number: str, receipt_id: str, intake: Application, authorization: ActingAuthorization
) -> StreamingResponse:
    stored = await case_of(intake, case_number, authorization=authorization.number)
    return await _receipt_of(intake, stored, receipt_id)


@router.get(
    "/v1/backoffice/cases/{case_number}/receipts",
    tags=["tramitador"],
    summary="Justificantes del caso (back office)",
    response_model=ReceiptList,
    responses={404: {}},
)
async def list_receipts_as_clerk(case_number: str, intake: Application, clerk: Clerk) -> ReceiptList:
    stored = await case_of(intake, case_number, authorization=None)
    under = backoffice_receipts(stored.case_number)
    return ReceiptList(receipts=await receipts_of(intake, stored, under=under))


@router.get(
    "/v1/backoffice/cases/{case_number}/receipts/{receipt_id}",
    tags=["tramitador"],
    summary="Descargar un justificante del caso (PDF, back office)",
    response_class=StreamingResponse,
    responses=PDF_FILE,
)
async def download_receipt_as_clerk(
    case_number: str, receipt_id: str, intake: Application, clerk: Clerk
) -> StreamingResponse:
    stored = await case_of(intake, case_number, authorization=None)
    return await _receipt_of(intake, stored, receipt_id)


async def receipts_of(intake: IntakeApp, case: StoredCase, *, under: str) -> list[ReceiptView]:
    """The case's issued receipts, oldest first, each with its PDF's path under ``under`` (the
    receipts path for the reader: :func:`autorizado_receipts` or :func:`backoffice_receipts`)."""
    issued = await intake.receipts.of_case(case.case_number)
    return [ReceiptView.of(receipt, pdf=f"{under}/{receipt.receipt_id}") for receipt in issued]


def receipt_pdf(intake: IntakeApp, receipt: IssuedReceipt) -> StreamingResponse:
    """The receipt's PDF, streamed from the object store, for saving (never cached)."""
    return StreamingResponse(
        intake.objects.stream(receipt.pdf.bucket, receipt.pdf.key),
        media_type=PDF,
        headers=attachment_headers(
            receipt_file_name(receipt), size=receipt.pdf_size_bytes, sha256=receipt.pdf_sha256
        ),
    )


async def _receipt_of(intake: IntakeApp, case: StoredCase, receipt_id: str) -> StreamingResponse:
    """The PDF of the case's issued receipt ``receipt_id``; 404 for any other."""
    receipt = await intake.receipts.get(receipt_id)
    if receipt is None or receipt.case_number != case.case_number:
        detail = "El justificante no existe o aún no se ha emitido."
        raise Problem(404, "receipt-not-found", "Justificante no encontrado", detail)
    return receipt_pdf(intake, receipt)
