"""The FastAPI application of the gateway."""

from __future__ import annotations

from fastapi import FastAPI

from casia_intake.auth import TokenVerifier, auth_config
from casia_intake.bootstrap import lifespan_for
from casia_intake.entrypoints import (
    account,
    actions,
    backoffice,
    cases,
    downloads,
    receipt_routes,
    search_routes,
    system,
    verification,
)
from casia_intake.entrypoints.answers import install_answers
from casia_intake.entrypoints.bodies import install_body_schemas
from casia_intake.entrypoints.middleware import BodyLimit, RequestIds, UnexpectedErrors
from casia_intake.entrypoints.problems import install_problem_handlers
from casia_intake.settings import IntakeSettings
from casia_runtime.logging import get_logger
from casia_telemetry.http import HTTP_TELEMETRY, instrument_http

log = get_logger(__name__)


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
        telemetry=HTTP_TELEMETRY,
    )
    app.state.verifier = TokenVerifier(auth)
    install_problem_handlers(app, retry_after_seconds=settings.retry_after_seconds)
    install_answers(app, retry_after_seconds=settings.retry_after_seconds)
    install_body_schemas(app)

    # Last added runs first (inside FastAPI's own span of the request): metrics around everything, ids for
    # everything, errors answered within the app, then the body limit, before any route reads.
    app.add_middleware(
        BodyLimit, max_bytes=settings.max_body_bytes, max_multipart_bytes=settings.max_upload_request_bytes
    )
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(RequestIds)
    instrument_http(app)
    app.include_router(system.router)
    app.include_router(account.router)
    app.include_router(search_routes.autorizado_router)
    app.include_router(cases.router)
    app.include_router(actions.router)
    app.include_router(search_routes.backoffice_router)
    app.include_router(backoffice.router)
    app.include_router(downloads.router)
    app.include_router(receipt_routes.router)
    app.include_router(verification.router)  # public, like system's: no token
    return app
