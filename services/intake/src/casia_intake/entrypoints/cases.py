"""The autorizado's case routes: alta, detail, history (guide 4.1, 4.2); the actions on a case
are in :mod:`casia_intake.entrypoints.actions`, the search in :mod:`...search_routes`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response, status
from fastapi.responses import JSONResponse

from casia_contracts.commands import OpenCase
from casia_contracts.values import AuthorizationRef, Channel, Classification, DocumentRef, PersonRef
from casia_intake.entrypoints.answers import answer
from casia_intake.entrypoints.bodies import json_or_files
from casia_intake.entrypoints.content import JSON, MULTIPART, accepts
from casia_intake.entrypoints.dependencies import Application, RequestId
from casia_intake.entrypoints.headers import ActionHeaders, Headers, etag
from casia_intake.entrypoints.identity import Acting, ActingAuthorization
from casia_intake.entrypoints.lookups import case_of, classification_of, request_context
from casia_intake.entrypoints.receipt_routes import autorizado_receipts, receipts_of
from casia_intake.entrypoints.schemas import OpenCaseRequest
from casia_intake.entrypoints.submissions import read_submission
from casia_intake.entrypoints.views import Audience, CaseAccepted, CaseView, HistoryView

router = APIRouter(
    prefix="/v1/authorizations/{authorization}/cases",
    tags=["autorizado"],
    dependencies=[Depends(accepts(JSON, MULTIPART))],
)


@dataclass(frozen=True)
class OpeningHeaders:
    """The headers of the alta: those of every action, and the channel it comes through."""

    actions: ActionHeaders
    x_casia_channel: Channel = Channel.API


async def opening_headers(
    actions: Headers,
    x_casia_channel: Annotated[Channel, Header(description="web (the RED portal) or api")] = Channel.API,
) -> OpeningHeaders:
    return OpeningHeaders(actions, x_casia_channel)


def case_location(authorization: str, case_number: str) -> str:
    return f"/v1/authorizations/{authorization}/cases/{case_number}"


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Abrir un caso (alta)",
    response_model=CaseView,
    responses={202: {"model": CaseAccepted}, 409: {}, 413: {}, 422: {}, 503: {}},
    openapi_extra=json_or_files(OpenCaseRequest, case_part="case"),
)
async def open_case(
    request: Request,
    request_id: RequestId,
    intake: Application,
    acting: Acting,
    headers: Annotated[OpeningHeaders, Depends(opening_headers)],
) -> JSONResponse:
    body, files = await read_submission(request, OpenCaseRequest, case_part="case")
    classification, data = classification_of(intake, body)
    caller, authorization = acting.caller, acting.authorization
    context = request_context(
        intake, caller=caller.nif, scope=authorization.number, headers=headers.actions, request_id=request_id
    )
    attached = await intake.attachments.receive(files, node=intake.catalog.resolve(classification))
    draft = _Drafter(
        body,
        (classification, data),
        PersonRef(nif=caller.nif, name=caller.name),
        AuthorizationRef.model_validate(authorization.model_dump()),
        headers.x_casia_channel,
        [a.document for a in attached],
    )
    files_seen = [a.fingerprint() for a in attached]
    outcome = await intake.attachments.settle(attached, intake.opening.open(draft, context, files=files_seen))
    location = case_location(authorization.number, outcome.case_number)
    return await answer(outcome, intake, location=location, audience=Audience.AUTORIZADO, created=True)


@router.get("/{case_number}", summary="Detalle de un caso", response_model=CaseView)
async def get_case(
    case_number: str, intake: Application, authorization: ActingAuthorization, response: Response
) -> CaseView:
    stored = await case_of(intake, case_number, authorization=authorization.number)
    response.headers["ETag"] = etag(stored.version)
    under = autorizado_receipts(authorization.number, stored.case_number)
    return CaseView.of(stored, Audience.AUTORIZADO, receipts=await receipts_of(intake, stored, under=under))


@router.get("/{case_number}/history", summary="Histórico del caso", response_model=HistoryView)
async def get_history(
    case_number: str, intake: Application, authorization: ActingAuthorization, response: Response
) -> HistoryView:
    stored = await case_of(intake, case_number, authorization=authorization.number)
    response.headers["ETag"] = etag(stored.version)
    return HistoryView.of(stored, Audience.AUTORIZADO)


@dataclass(frozen=True)
class _Drafter:
    """Builds the OpenCase command for whichever case number gets allocated."""

    body: OpenCaseRequest
    classified: tuple[Classification, dict[str, str]]
    """The classification and its additional data, as the catalog checked them."""
    opener: PersonRef
    authorization: AuthorizationRef
    channel: Channel
    documents: list[DocumentRef]

    def __call__(self, case_number: str) -> OpenCase:
        classification, additional_data = self.classified
        return OpenCase(
            case_number=case_number,
            authorization=self.authorization,
            opened_by=self.opener,
            channel=self.channel,
            classification=classification,
            affects_current_period=self.body.affects_current_period,
            title=self.body.title,
            description=self.body.description,
            additional_data=additional_data,
            documents=self.documents,
        )
