"""The autorizado's actions on a case (guide 4.2.1–4.2.4): add information, reclassify, ask for
annulment, rate. Each builds its command and goes through the one command path; the answer is
the same for all (:mod:`casia_intake.entrypoints.answers`)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from casia_contracts import commands as c
from casia_intake.entrypoints.bodies import json_or_files
from casia_intake.entrypoints.content import JSON, MULTIPART, accepts
from casia_intake.entrypoints.lookups import classification_of
from casia_intake.entrypoints.on_case import AutorizadoOnCase
from casia_intake.entrypoints.problems import Problem
from casia_intake.entrypoints.schemas import (
    AnnulmentRequest,
    ClassificationRequest,
    InformationRequest,
    RatingRequest,
)
from casia_intake.entrypoints.submissions import read_submission
from casia_intake.entrypoints.views import CaseAccepted, CaseView

router = APIRouter(
    prefix="/v1/authorizations/{authorization}/cases/{case_number}",
    tags=["autorizado"],
    dependencies=[Depends(accepts(JSON, MULTIPART))],
    responses={202: {"model": CaseAccepted}, 404: {}, 409: {}, 412: {}, 413: {}, 422: {}, 503: {}},
)


@router.post(
    "/information",
    summary="Aportar información o documentos (Modificar Información)",
    response_model=CaseView,
    openapi_extra=json_or_files(InformationRequest),
)
async def add_information(request: Request, on: AutorizadoOnCase) -> JSONResponse:
    body, files = await read_submission(request, InformationRequest)
    if body.text is None and not files:
        raise Problem(
            422, "nothing-to-add", "Nada que aportar", "Escriba un texto o adjunte algún documento."
        )
    return await on.perform("add_information", body, partial(c.AddInformation, text=body.text), files=files)


@router.post(
    "/reclassification", summary="Reclasificar el caso (Solicitada Reclasificación)", response_model=CaseView
)
async def reclassify(body: ClassificationRequest, on: AutorizadoOnCase) -> JSONResponse:
    classification, data = classification_of(on.intake, body)
    command = partial(c.Reclassify, classification=classification, additional_data=data)
    return await on.perform("reclassify", body, command)


@router.post("/annulment", summary="Solicitar la anulación", response_model=CaseView)
async def request_annulment(body: AnnulmentRequest, on: AutorizadoOnCase) -> JSONResponse:
    return await on.perform("request_annulment", body, partial(c.RequestAnnulment, reason=body.reason))


@router.post("/rating", summary="Valorar la atención recibida", response_model=CaseView)
async def rate(body: RatingRequest, on: AutorizadoOnCase) -> JSONResponse:
    command = partial(c.RateCase, score=body.score, observations=body.observations)
    return await on.perform("rate", body, command)
