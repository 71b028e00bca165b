"""How the outcome of a command becomes an HTTP answer, the same way for every route
(API.md "Actions"): 200 (201 for an alta) with the case once the workflow applied it, 409
naming the rule when it refused it (412 when the case had moved on since the caller read it),
202 with ``Location`` when the outcome is not known in time; and the service's refusals before
sending (412, 409, 422, 503) as problem+json.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from casia_intake.entrypoints.headers import etag
from casia_intake.entrypoints.problems import Problem, respond, unavailable_problem
from casia_intake.entrypoints.views import Audience, CaseAccepted, CaseView
from casia_intake.service.actions import NotAllowedNow, StaleCase
from casia_intake.service.application import IntakeApp
from casia_intake.service.attachments import UploadRefused
from casia_intake.service.commands import Applied, Outcome, Pending, Refused
from casia_intake.service.ports import BrokerUnavailable
from casia_intake.service.requests import IdempotencyConflict

STALE = "stale_version"


async def answer(
    outcome: Outcome, intake: IntakeApp, *, location: str, audience: Audience, created: bool = False
) -> JSONResponse:
    """The answer to a request whose command had ``outcome``; ``location`` is the case's URL."""
    match outcome:
        case Applied(case_number=number):
            stored = await intake.cases.get(number)  # written with the outcome: it is there
            if stored is not None:
                view = CaseView.of(stored, audience)
                headers = {"Location": location, "ETag": etag(stored.version)}
                return JSONResponse(view.model_dump(mode="json"), 201 if created else 200, headers=headers)
        case Refused(reason_code=code, reason=reason) if code == STALE:
            raise Problem(412, "precondition-failed", "El caso ha cambiado", reason, reason_code=code)
        case Refused(reason_code=code, reason=reason):
            raise Problem(409, "command-refused", "Petición rechazada", reason, reason_code=code)
        case Pending():
            pass
    accepted = CaseAccepted(case_number=outcome.case_number, location=location)
    return JSONResponse(accepted.model_dump(), 202, headers={"Location": location})


def install_answers(app: FastAPI, *, retry_after_seconds: int) -> None:
    """The service's refusals before anything is sent, as problem+json."""

    @app.exception_handler(StaleCase)
    async def on_stale(request: Request, exc: StaleCase) -> JSONResponse:
        detail = f"El caso está en la versión {exc.current}; la petición se hizo sobre la {exc.seen}."
        problem = Problem(412, "precondition-failed", "El caso ha cambiado", detail, reason_code=STALE)
        return respond(problem, request)

    @app.exception_handler(NotAllowedNow)
    async def on_not_allowed(request: Request, exc: NotAllowedNow) -> JSONResponse:
        state = f"{exc.status_label}/{exc.substatus_label}"
        detail = f"El caso está en estado {state}: esta acción no es posible ahora."
        problem = Problem(
            409, "action-not-allowed", "Acción no permitida", detail, reason_code="illegal_transition"
        )
        return respond(problem, request)

    @app.exception_handler(UploadRefused)
    async def on_upload_refused(request: Request, exc: UploadRefused) -> JSONResponse:
        too_large = exc.reason_code == "too_large"
        problem = Problem(
            413 if too_large else 422,
            "content-too-large" if too_large else "document-refused",
            "Documento no admitido",
            exc.reason,
            reason_code=exc.reason_code,
            file_index=exc.index,
        )
        return respond(problem, request)

    @app.exception_handler(IdempotencyConflict)
    async def on_reused_key(request: Request, exc: IdempotencyConflict) -> JSONResponse:
        detail = "La clave Idempotency-Key ya se usó con otra petición distinta."
        return respond(
            Problem(422, "idempotency-key-reused", "Clave de idempotencia ya utilizada", detail), request
        )

    @app.exception_handler(BrokerUnavailable)
    async def on_broker(request: Request, exc: BrokerUnavailable) -> JSONResponse:
        detail = "No se pudo registrar la petición; no se ha realizado ningún cambio. Inténtelo más tarde."
        problem = unavailable_problem("broker-unavailable", detail, retry_after_seconds=retry_after_seconds)
        return respond(problem, request)
