"""The portal's FastAPI application: sessions, static files, the screens, and errors as pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from casia_portal.adapters.gateway import ApiProblem, Gateway
from casia_portal.settings import PortalSettings
from casia_portal.web import autorizado, backoffice, cases, public, reclassify, signin
from casia_portal.web.context import PortalApp, SignInRequired
from casia_portal.web.errors import PageError
from casia_portal.web.pages import Pages
from casia_telemetry.http import HTTP_TELEMETRY, instrument_http
from casia_telemetry.metrics import exposition

STATIC = Path(__file__).parent / "static"
SESSION_SECONDS = 8 * 3600


class PortalMisconfigured(RuntimeError):
    """The settings leave the portal unsafe or unable to sign anyone in."""


def create_app(settings: PortalSettings, *, gateway: Gateway | None = None) -> FastAPI:
    """The portal. Raises PortalMisconfigured without a session secret or a sign-in mode."""
    if settings.session_secret is None or len(settings.session_secret.get_secret_value()) < 32:
        raise PortalMisconfigured("CASIA_SESSION_SECRET (32 characters or more) is required")
    if settings.auth_mode is None:
        raise PortalMisconfigured("CASIA_AUTH_MODE (dev or oidc) is required")
    client = gateway or Gateway(settings.gateway_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await client.close()

    app = FastAPI(
        title="CASIA — portal",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        telemetry=HTTP_TELEMETRY,
    )
    app.state.portal = PortalApp(settings=settings, gateway=client, pages=Pages(timezone=settings.timezone))
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret.get_secret_value(),
        session_cookie="casia_session",
        max_age=SESSION_SECONDS,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (signin, public, autorizado, reclassify, cases, backoffice):
        app.include_router(module.router)
    _install_handlers(app)
    instrument_http(app)

    @app.get("/", include_in_schema=False)
    async def root() -> Response:
        return RedirectResponse("/portal", status_code=303)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    return app


def _install_handlers(app: FastAPI) -> None:
    pages: Pages = app.state.portal.pages

    @app.exception_handler(SignInRequired)
    async def to_sign_in(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse("/entrar", status_code=303)

    @app.exception_handler(PageError)
    async def on_page_error(request: Request, exc: PageError) -> Response:
        return pages.render(request, "error.html", status=exc.status, title=exc.title, detail=exc.detail)

    @app.exception_handler(ApiProblem)
    async def on_api_problem(request: Request, exc: ApiProblem) -> Response:
        if exc.status == 401:
            request.session.clear()
            return RedirectResponse("/entrar", status_code=303)
        title = "Página no encontrada" if exc.status == 404 else exc.title
        detail = (
            "La página que busca no existe o no tiene acceso a ella." if exc.status == 404 else exc.detail
        )
        return pages.render(request, "error.html", status=exc.status, title=title, detail=detail)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = "La página que busca no existe." if exc.status_code == 404 else str(exc.detail)
        return pages.render(
            request, "error.html", status=exc.status_code, title="Página no disponible", detail=detail
        )
