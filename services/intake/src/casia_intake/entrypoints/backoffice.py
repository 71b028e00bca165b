"""The clerks' back office (role ``tramitador``): a case across authorizations, its history with
who did what, and every action that brings a case to its end. The queue is in
:mod:`casia_intake.entrypoints.search_routes`."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from casia_contracts import commands as c
from casia_contracts.values import PersonRef
from casia_intake.domain.identifiers import InvalidIdentifier, validate_nif
from casia_intake.entrypoints.bodies import json_or_files
from casia_intake.entrypoints.content import JSON, MULTIPART, accepts
from casia_intake.entrypoints.dependencies import Application
from casia_intake.entrypoints.headers import etag
from casia_intake.entrypoints.identity import Clerk
from casia_intake.entrypoints.lookups import case_of
from casia_intake.entrypoints.on_case import ClerkOnCase
from casia_intake.entrypoints.problems import Problem
from casia_intake.entrypoints.receipt_routes import backoffice_receipts, receipts_of
from casia_intake.entrypoints.schemas import (
    AnnulmentDecisionRequest,
    AssignmentRequest,
    EscalationRequest,
    MessageRequest,
    PersonRequest,
    ResolutionRequest,
)
from casia_intake.entrypoints.submissions import read_submission
from casia_intake.entrypoints.views import Audience, CaseAccepted, CaseView, HistoryView

APPROVED = "Anulación aprobada"

router = APIRouter(
    prefix="/v1/backoffice/cases",
    tags=["tramitador"],
    dependencies=[Depends(accepts(JSON, MULTIPART))],
    responses={202: {"model": CaseAccepted}, 403: {}, 404: {}, 409: {}, 412: {}, 413: {}, 422: {}, 503: {}},
)


@router.get("/{case_number}", summary="Detalle de un caso (back office)", response_model=CaseView)
async def get_case(case_number: str, intake: Application, clerk: Clerk, response: Response) -> CaseView:
    stored = await case_of(intake, case_number, authorization=None)
    response.headers["ETag"] = etag(stored.version)
    under = backoffice_receipts(stored.case_number)
    return CaseView.of(stored, Audience.BACKOFFICE, receipts=await receipts_of(intake, stored, under=under))


@router.get(
    "/{case_number}/history", summary="Histórico del caso, con quién hizo qué", response_model=HistoryView
)
async def get_history(case_number: str, intake: Application, clerk: Clerk, response: Response) -> HistoryView:
    stored = await case_of(intake, case_number, authorization=None)
    response.headers["ETag"] = etag(stored.version)
    return HistoryView.of(stored, Audience.BACKOFFICE)


@router.post("/{case_number}/assignment", summary="Asignar el caso (a sí mismo o a otro tramitador)")
async def assign(on: ClerkOnCase, body: AssignmentRequest | None = None) -> JSONResponse:
    assignee = _assignee(body.assignee if body else None)
    return await on.perform("assign", body, partial(c.AssignCase, assignee=assignee))


@router.post("/{case_number}/escalation", summary="Escalar el caso")
async def escalate(body: EscalationRequest, on: ClerkOnCase) -> JSONResponse:
    return await on.perform("escalate", body, partial(c.EscalateCase, observations=body.observations))


@router.post(
    "/{case_number}/information-request",
    summary="Solicitar información al autorizado (con documentos, si los hay)",
    openapi_extra=json_or_files(MessageRequest),
)
async def request_information(request: Request, on: ClerkOnCase) -> JSONResponse:
    body, files = await read_submission(request, MessageRequest)
    command = partial(c.RequestInformation, message=body.message)
    return await on.perform("request_information", body, command, files=files)


@router.post("/{case_number}/reclassification-request", summary="Solicitar la reclasificación")
async def request_reclassification(body: MessageRequest, on: ClerkOnCase) -> JSONResponse:
    command = partial(c.RequestReclassification, message=body.message)
    return await on.perform("request_reclassification", body, command)


@router.post("/{case_number}/annulment-decision", summary="Aprobar o rechazar la anulación solicitada")
async def decide_annulment(body: AnnulmentDecisionRequest, on: ClerkOnCase) -> JSONResponse:
    if not body.approve and body.reason is None:
        raise Problem(
            422,
            "validation-error",
            "Los datos enviados no son válidos",
            "Para rechazar la anulación hay que indicar el motivo.",
            errors=[
                {"location": ["body", "reason"], "message": "Obligatorio al rechazar.", "kind": "missing"}
            ],
        )
    command = partial(c.DecideAnnulment, approve=body.approve, reason=body.reason or APPROVED)
    return await on.perform("approve_annulment" if body.approve else "reject_annulment", body, command)


@router.post(
    "/{case_number}/resolution",
    summary="Resolver el caso con la respuesta (y documentos, si los hay)",
    openapi_extra=json_or_files(ResolutionRequest),
)
async def resolve(request: Request, on: ClerkOnCase) -> JSONResponse:
    body, files = await read_submission(request, ResolutionRequest)
    return await on.perform("resolve", body, partial(c.ResolveCase, answer=body.answer), files=files)


def _assignee(named: PersonRequest | None) -> PersonRef | None:
    """The clerk named in the body, with a valid NIF (422 otherwise); None: the caller."""
    if named is None:
        return None
    try:
        nif = validate_nif(named.nif, field="assignee.nif")
    except InvalidIdentifier as error:
        errors = [{"location": ["body", "assignee", "nif"], "message": error.message_es, "kind": "nif"}]
        raise Problem(
            422, "validation-error", "Los datos enviados no son válidos", error.message_es, errors=errors
        ) from error
    return PersonRef(nif=nif, name=named.name)
