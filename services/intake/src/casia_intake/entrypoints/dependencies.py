"""What the routes receive from the composition root, as FastAPI dependencies.

The lifespan (or a test) puts the built :class:`IntakeApp` and the token verifier on
``app.state``; routes declare ``app: Application`` instead of reaching for either.

Every dependency of the gateway is an ``async def``, even one that never awaits: FastAPI runs a
plain function (or a class) in its thread pool, a hop between threads for every request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from casia_intake.auth import TokenVerifier
from casia_intake.service.application import IntakeApp


async def _application(request: Request) -> IntakeApp:
    application: IntakeApp = request.app.state.intake
    return application


async def _request_id(request: Request) -> str:
    request_id: str = request.state.request_id
    return request_id


async def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.verifier
    return verifier


Application = Annotated[IntakeApp, Depends(_application)]
Verifier = Annotated[TokenVerifier, Depends(_verifier)]
RequestId = Annotated[str, Depends(_request_id)]
"""The request's correlation id (the caller's X-Request-ID or a new one), set by the app's middleware."""
