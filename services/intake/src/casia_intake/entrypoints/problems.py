"""RFC 9457 problem+json responses with a stable ``type`` per kind of problem."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pymongo.errors import PyMongoError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from casia_runtime.logging import get_logger
from casia_runtime.mongo import unavailable

log = get_logger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


class Problem(Exception):
    """Raise from a route to answer problem+json; ``kind`` becomes the type ``/problems/<kind>``."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def problem_response(problem: Problem, *, instance: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{problem.kind}",
        "title": problem.title,
        "status": problem.status,
    }
    if problem.detail:
        body["detail"] = problem.detail
    if instance:
        body["instance"] = instance
    body.update(problem.extra)
    return JSONResponse(
        body, status_code=problem.status, headers=problem.headers, media_type=PROBLEM_CONTENT_TYPE
    )


_STATUS_KINDS = {
    400: ("bad-request", "Petición mal formada"),
    401: ("unauthorized", "Autenticación requerida"),
    403: ("forbidden", "Acceso no permitido"),
    404: ("not-found", "Recurso no encontrado"),
    405: ("method-not-allowed", "Método no permitido"),
    409: ("conflict", "Conflicto con el estado del recurso"),
    413: ("content-too-large", "Petición demasiado grande"),
    415: ("unsupported-media-type", "Tipo de contenido no admitido"),
}


def unavailable_problem(kind: str, detail: str, *, retry_after_seconds: int) -> Problem:
    """503 for a dependency that is down or too slow: try again after ``retry_after_seconds``."""
    return Problem(
        503,
        kind,
        "Servicio no disponible temporalmente",
        detail,
        headers={"Retry-After": str(retry_after_seconds)},
    )


def internal_error() -> Problem:
    return Problem(500, "internal-error", "Error interno", "Se ha producido un error inesperado.")


def install_problem_handlers(app: FastAPI, *, retry_after_seconds: int) -> None:
    """Every error the routes raise becomes problem+json here, inside the app, so the connection
    stays usable (an error that escaped to the server would drop a kept-alive connection)."""

    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, instance=_instance(request))

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "location": list(error.get("loc", ())),
                "message": _message(error),
                "kind": str(error.get("type", "")),
            }
            for error in exc.errors()
        ]
        problem = Problem(
            422,
            "validation-error",
            "Los datos enviados no son válidos",
            "Revise los campos indicados en 'errors'.",
            errors=errors,
        )
        return problem_response(problem, instance=_instance(request))

    @app.exception_handler(PyMongoError)
    async def on_database(request: Request, exc: PyMongoError) -> JSONResponse:
        if not unavailable(exc):  # the database answered, and refused: a bug of ours
            log.error("request.failed", path=request.url.path, exc_info=exc)
            return problem_response(internal_error(), instance=_instance(request))
        log.warning("request.database_unavailable", path=request.url.path, error=repr(exc))
        problem = unavailable_problem(
            "database-unavailable",
            "No se pudo acceder a los datos en este momento. Inténtelo de nuevo más tarde.",
            retry_after_seconds=retry_after_seconds,
        )
        return problem_response(problem, instance=_instance(request))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, UNREADABLE_JSON):
            # FastAPI read a model's JSON body and gave up: the same 422 as read_submission's
            return await on_validation(request, unreadable_json("body"))
        kind, title = _STATUS_KINDS.get(exc.status_code, ("http-error", "Error"))
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        detail = _SPANISH.get(str(exc.detail), str(exc.detail)) if exc.detail else None
        problem = Problem(exc.status_code, kind, title, detail, headers=headers)
        return problem_response(problem, instance=_instance(request))


UNREADABLE_JSON = (ValueError, RecursionError)
"""What ``json.loads`` raises, besides a JSONDecodeError, for a body it gives up on: an integer
longer than Python converts or text that is not UTF-8 (ValueError), nesting deeper than its
recursion allows (RecursionError). Either is the client's body, never a server error."""


def unreadable_json(where: str) -> RequestValidationError:
    """The 422 for a body (or the part ``where``) that ``json.loads`` gave up on."""
    message = "JSON no válido: anidado a demasiada profundidad, con un número demasiado largo o no UTF-8."
    return RequestValidationError([{"type": "json_invalid", "loc": (where,), "msg": message, "input": None}])


_SPANISH = {
    "There was an error parsing the body": "El cuerpo de la petición no se puede leer.",
    "Method Not Allowed": "El recurso no admite este método.",
    "Not Found": "El recurso no existe.",
}
"""Starlette's and FastAPI's own details, as people here read them."""


def allowed_methods(request: Request) -> list[str]:
    """Every method some route offers at the request's path (a path served by several routes,
    e.g. GET and PUT of the contact, lists them all)."""
    found: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        methods = getattr(route, "methods", None)
        if match is not Match.NONE and methods:
            found |= set(methods)
    return sorted(found)


def _message(error: Mapping[str, Any]) -> str:
    """The reason for people: our own validators' words as they are (not pydantic's English
    "Value error, " prefix), pydantic's message otherwise."""
    cause = error.get("ctx", {}).get("error")
    if error.get("type") == "value_error" and isinstance(cause, ValueError):
        return str(cause)
    return str(error.get("msg", ""))


def _instance(request: Request) -> str | None:
    return occurrence(getattr(request.state, "request_id", None))


def respond(problem: Problem, request: Request) -> JSONResponse:
    """``problem`` as the answer to ``request`` (its instance is the request's id)."""
    return problem_response(problem, instance=_instance(request))


def occurrence(request_id: str | None) -> str | None:
    """A problem's ``instance``: the request id (what the logs carry), never the path, which
    repeats whatever the caller sent."""
    return f"urn:casia:request:{request_id}" if request_id else None
