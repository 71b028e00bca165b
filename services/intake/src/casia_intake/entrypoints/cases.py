"""The autorizado's case routes: open, read, history (seed 4.1, 4.2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, status
from fastapi.responses import JSONResponse

from casia_contracts.commands import OpenCase
from casia_contracts.values import AuthorizationRef, Channel, Classification, PersonRef
from casia_intake.auth import AuthorizationClaim
from casia_intake.domain.case_numbers import is_case_number
from casia_intake.domain.catalog import CatalogViolation, validate_case_classification_and_data
from casia_intake.entrypoints.content import JSON, accepts
from casia_intake.entrypoints.dependencies import Application, RequestId
from casia_intake.entrypoints.identity import Acting, ActingAuthorization
from casia_intake.entrypoints.problems import Problem, unavailable_problem
from casia_intake.entrypoints.schemas import CaseAccepted, CaseView, HistoryView, OpenCaseRequest
from casia_intake.service.application import IntakeApp
from casia_intake.service.opening import IdempotencyConflict
from casia_intake.service.ports import BrokerUnavailable, IdempotencyScope
from casia_read_models import StoredCase
from casia_runtime.logging import get_logger

log = get_logger(__name__)

router = APIRouter(
    prefix="/v1/authorizations/{authorization}/cases",
    tags=["autorizado"],
    dependencies=[Depends(accepts(JSON))],
)


@dataclass(frozen=True)
class OpeningHeaders:
    """Optional request headers of the alta."""

    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$", description="Visible ASCII, 1 to 255"
        ),
    ] = None
    x_casia_channel: Annotated[Channel, Header(description="web (the RED portal) or api")] = Channel.API


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Abrir un caso (alta)",
    response_model=CaseView,
    responses={202: {"model": CaseAccepted}, 422: {}, 503: {}},
)
async def open_case(
    body: OpenCaseRequest,
    request_id: RequestId,
    intake: Application,
    acting: Acting,
    headers: Annotated[OpeningHeaders, Depends()],
) -> JSONResponse:
    classification = Classification(
        case_type=body.case_type, subject=body.subject, category=body.category, subcategory=body.subcategory
    )
    data = _validated_data(intake, classification, body.additional_data)
    caller, authorization = acting.caller, acting.authorization
    opener = PersonRef(nif=caller.nif, name=caller.name)
    draft = _Drafter(body, classification, data, opener, _reference(authorization), headers.x_casia_channel)
    at = intake.clock()
    key = headers.idempotency_key
    scope = IdempotencyScope(caller=caller.nif, authorization=authorization.number, key=key) if key else None
    try:
        opening = await intake.opening.open(draft, at=at, idempotency=scope, correlation_id=request_id)
    except IdempotencyConflict as error:
        raise Problem(
            422,
            "idempotency-key-reused",
            "Clave de idempotencia ya utilizada",
            "La clave Idempotency-Key ya se usó con otra petición distinta.",
        ) from error
    except BrokerUnavailable as error:
        raise _unavailable(intake) from error
    case_number = opening.case_number
    location = f"/v1/authorizations/{authorization.number}/cases/{case_number}"
    # Unconfirmed, Kafka is struggling: say so at once rather than wait for what cannot come yet.
    wait = intake.settings.read_your_writes_seconds if opening.confirmed else 0
    stored = await intake.cases.wait_for(case_number, within=wait)
    log.info(
        "case.open_accepted",
        case_number=case_number,
        confirmed=opening.confirmed,
        stored=stored is not None,
    )
    if stored is None:
        accepted = CaseAccepted(case_number=case_number, location=location)
        return JSONResponse(accepted.model_dump(), status_code=202, headers={"Location": location})
    view = CaseView.from_stored(stored)
    return JSONResponse(view.model_dump(mode="json"), status_code=201, headers={"Location": location})


@router.get("/{case_number}", summary="Detalle de un caso", response_model=CaseView)
async def get_case(case_number: str, intake: Application, authorization: ActingAuthorization) -> CaseView:
    return CaseView.from_stored(await _case_of(intake, case_number, authorization.number))


@router.get("/{case_number}/history", summary="Histórico del caso", response_model=HistoryView)
async def get_history(
    case_number: str, intake: Application, authorization: ActingAuthorization
) -> HistoryView:
    return HistoryView.from_stored(await _case_of(intake, case_number, authorization.number))


async def _case_of(intake: IntakeApp, case_number: str, authorization_number: str) -> StoredCase:
    """The case if it belongs to the authorization; 404 otherwise (no hint that it exists)."""
    stored = await intake.cases.get(case_number) if is_case_number(case_number) else None
    if stored is None or stored.authorization.number != authorization_number:
        # The number is not repeated: a 404 must not reflect whatever a caller sends.
        raise Problem(
            404, "case-not-found", "Caso no encontrado", "No existe el caso indicado en esta autorización."
        )
    return stored


@dataclass(frozen=True)
class _Drafter:
    """Builds the OpenCase command for whichever case number gets allocated."""

    body: OpenCaseRequest
    classification: Classification
    additional_data: dict[str, str]
    opener: PersonRef
    authorization: AuthorizationRef
    channel: Channel

    def __call__(self, case_number: str) -> OpenCase:
        return OpenCase(
            case_number=case_number,
            authorization=self.authorization,
            opened_by=self.opener,
            channel=self.channel,
            classification=self.classification,
            affects_current_period=self.body.affects_current_period,
            title=self.body.title,
            description=self.body.description,
            additional_data=self.additional_data,
            documents=[],
        )


def _reference(authorization: AuthorizationClaim) -> AuthorizationRef:
    return AuthorizationRef(
        number=authorization.number,
        holder_nif=authorization.holder_nif,
        business_name=authorization.business_name,
    )


def _validated_data(
    intake: IntakeApp, classification: Classification, additional_data: dict[str, str]
) -> dict[str, str]:
    try:
        return validate_case_classification_and_data(
            intake.catalog, classification, additional_data=additional_data
        )
    except CatalogViolation as violation:
        errors = [{"field": field, "message": message} for field, message in violation.problems]
        raise Problem(
            422,
            "catalog-violation",
            "Clasificación o datos adicionales no válidos",
            "Revise los campos indicados en 'errors'.",
            errors=errors,
        ) from violation


def _unavailable(intake: IntakeApp) -> Problem:
    return unavailable_problem(
        "broker-unavailable",
        "No se pudo registrar la petición; no se ha realizado ningún cambio. Inténtelo de nuevo más tarde.",
        retry_after_seconds=intake.settings.retry_after_seconds,
    )
