"""What every route works with: the settings, the gateway client and the pages, built once."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from casia_portal.adapters.gateway import Gateway
from casia_portal.settings import PortalSettings
from casia_portal.web.errors import PageError
from casia_portal.web.pages import Pages
from casia_portal.web.session import Visitor, visitor


@dataclass
class CatalogCache:
    """The API's catalog, kept for ``seconds``: it is the same for everyone and changes with a
    deployment, and every form and case page needs its names."""

    seconds: float = 300.0
    value: Any = None
    fetched_at: float = float("-inf")

    async def get(self, gateway: Gateway, token: str) -> Any:
        if time.monotonic() - self.fetched_at > self.seconds:
            self.value = await gateway.get("/v1/catalog", token)
            self.fetched_at = time.monotonic()
        return self.value


@dataclass(frozen=True)
class PortalApp:
    settings: PortalSettings
    gateway: Gateway
    pages: Pages
    catalogs: CatalogCache = field(default_factory=CatalogCache)

    async def catalog(self, person: Visitor) -> Any:
        return await self.catalogs.get(self.gateway, person.token)


# Every dependency is a coroutine: FastAPI runs a plain function in its thread pool.
async def portal_app(request: Request) -> PortalApp:
    app: PortalApp = request.app.state.portal
    return app


Portal = Annotated[PortalApp, Depends(portal_app)]


class SignInRequired(Exception):
    """No session: the person is sent to the sign-in page."""


async def signed_in(request: Request) -> Visitor:
    found = visitor(request)
    if found is None:
        raise SignInRequired
    return found


async def autorizado(request: Request) -> Visitor:
    """An autorizado acting under a chosen authorization (else: choose one first)."""
    found = await signed_in(request)
    if "autorizado" not in found.roles:
        raise PageError(403, "Acceso no permitido", "Esta parte del servicio es para autorizados RED.")
    return found


async def clerk(request: Request) -> Visitor:
    found = await signed_in(request)
    if not found.is_clerk:
        raise PageError(403, "Acceso no permitido", "Esta parte del servicio es para tramitadores.")
    return found


Person = Annotated[Visitor, Depends(signed_in)]
Autorizado = Annotated[Visitor, Depends(autorizado)]
Clerk = Annotated[Visitor, Depends(clerk)]
