"""Public verification of justificantes (API.md "Public"): no token, like ``/healthz``, because
whoever holds a receipt's CEA or its PDF holds the receipt.

- GET ``/v1/receipts/verify/{cea}``: the receipt a CEA (typed loosely: case, spaces, hyphens,
  O/I/L) belongs to, and the path of its PDF;
- GET ``/v1/receipts/verify/{cea}/pdf``: that PDF;
- POST ``/v1/receipts/verify``: whether an uploaded PDF is, byte for byte, a receipt issued here.

A code that is unknown and one that cannot be a CEA get the same 404 (same type, title and
detail, never the code itself) after the same one lookup, so an answer says nothing of near
matches. Each client address may make ``verify_rate_per_minute`` of these requests a minute
(429 with ``Retry-After`` above it; see :class:`~casia_intake.service.rate_limit.MovingWindowLimit`).
"""

from __future__ import annotations

import math
from typing import Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from casia_contracts.cea import parse_cea
from casia_intake.entrypoints.content import MULTIPART, PDF, accepts
from casia_intake.entrypoints.dependencies import Application
from casia_intake.entrypoints.fingerprints import PDF_UPLOAD, uploaded_pdf_sha256
from casia_intake.entrypoints.problems import Problem
from casia_intake.entrypoints.receipt_routes import PDF_FILE, receipt_pdf
from casia_intake.entrypoints.receipt_views import VERIFY, PublicReceiptView, VerificationView
from casia_intake.service.application import IntakeApp
from casia_intake.service.receipts import IssuedReceipt

UNMATCHABLE: Final = ""
"""What is looked up for a text that cannot be a CEA: no receipt has it, and the lookup is the
same one a well-formed code makes."""
UNKNOWN_CLIENT: Final = "unknown"


async def within_verification_rate(request: Request, intake: Application) -> None:
    """Count the request against its client address's limit; 429 problem when over it."""
    client = request.client.host if request.client is not None else UNKNOWN_CLIENT
    wait = intake.verify_limit.admit(client)
    if wait is not None:
        raise Problem(
            429,
            "too-many-requests",
            "Demasiadas peticiones",
            "Se ha superado el número de verificaciones permitidas por minuto. Inténtelo más tarde.",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )


router = APIRouter(
    prefix=VERIFY,
    tags=["public"],
    dependencies=[Depends(within_verification_rate)],
    responses={429: {"description": "Demasiadas verificaciones desde esta dirección; ver Retry-After"}},
)


@router.get(
    "/{cea}",
    summary="Verificar un justificante por su CEA",
    response_model=PublicReceiptView,
    responses={404: {}},
)
async def verify_code(cea: str, intake: Application) -> PublicReceiptView:
    return PublicReceiptView.of(await _receipt_with(intake, cea))


@router.get(
    "/{cea}/pdf",
    summary="Descargar el justificante de un CEA (PDF)",
    response_class=StreamingResponse,
    responses=PDF_FILE,
)
async def verified_pdf(cea: str, intake: Application) -> StreamingResponse:
    return receipt_pdf(intake, await _receipt_with(intake, cea))


@router.post(
    "",
    summary="Verificar un justificante en PDF: si es, sin alteraciones, uno emitido aquí",
    response_model=VerificationView,
    response_model_exclude_none=True,
    responses={413: {}, 415: {}, 422: {}},
    openapi_extra=PDF_UPLOAD,
    dependencies=[Depends(accepts(MULTIPART, PDF))],
)
async def verify_file(request: Request, intake: Application) -> VerificationView:
    receipt = await intake.receipts.by_pdf_sha256(await uploaded_pdf_sha256(request))
    if receipt is None:
        return VerificationView(verified=False)
    return VerificationView(verified=True, receipt=PublicReceiptView.of(receipt))


async def _receipt_with(intake: IntakeApp, typed: str) -> IssuedReceipt:
    """The issued receipt whose CEA ``typed`` spells; the same 404 for every other text."""
    receipt = await intake.receipts.by_cea(parse_cea(typed) or UNMATCHABLE)
    if receipt is None:
        detail = "No hay ningún justificante emitido con ese código."
        raise Problem(404, "receipt-not-found", "Justificante no encontrado", detail)
    return receipt
