"""The FastAPI application of the gateway."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from casia_intake.auth import TokenVerifier, auth_config
from casia_intake.bootstrap import lifespan_for
from casia_intake.entrypoints import account, cases, system
from casia_intake.entrypoints.problems import install_problem_handlers
from casia_intake.settings import IntakeSettings
from casia_runtime.logging import bound_correlation, get_logger

log = get_logger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only if it is short and plain: it ends up in logs and in every event.
_ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def create_app(settings: IntakeSettings) -> FastAPI:
    """The gateway. Raises AuthMisconfigured when the settings choose no authentication, or an
    unsafe one, so that such a gateway never serves a request."""
    auth = auth_config(settings)
    if auth.mode == "dev":
        log.warning("auth.dev_mode", issuer=auth.issuer, advice="local use only; production uses oidc")
    app = FastAPI(
        title="CASIA — Atención y Soporte al Autorizado RED",
        version="1.0.0",
        description="Alta, consulta y modificación de casos del autorizado RED. Ver API.md.",
        lifespan=lifespan_for(settings),
    )
    app.state.verifier = TokenVerifier(auth)
    install_problem_handlers(app)

    @app.middleware("http")
    async def correlate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """Every request gets an id (the caller's X-Request-ID or a new one) that follows it."""
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _ACCEPTABLE_REQUEST_ID.fullmatch(offered) else str(uuid.uuid4())
        request.state.request_id = request_id
        with bound_correlation(request_id):
            response = await call_next(request)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response

    app.include_router(system.router)
    app.include_router(account.router)
    app.include_router(cases.router)
    return app
