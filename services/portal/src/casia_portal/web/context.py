"""What every route works with: the settings, the gateway client and the pages, built once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from casia_portal.adapters.gateway import Gateway
from casia_portal.settings import PortalSettings
from casia_portal.web.errors import PageError
from casia_portal.web.pages import Pages
from casia_portal.web.session import Visitor, visitor


@dataclass(frozen=True)
class PortalApp:
    settings: PortalSettings
    gateway: Gateway
    pages: Pages


def portal_app(request: Request) -> PortalApp:
    app: PortalApp = request.app.state.portal
    return app


Portal = Annotated[PortalApp, Depends(portal_app)]


class SignInRequired(Exception):
    """No session: the person is sent to the sign-in page."""


def signed_in(request: Request) -> Visitor:
    found = visitor(request)
    if found is None:
        raise SignInRequired
    return found


def autorizado(request: Request) -> Visitor:
    """An autorizado acting under a chosen authorization (else: choose one first)."""
    found = signed_in(request)
    if "autorizado" not in found.roles:
        raise PageError(403, "Acceso no permitido", "Esta parte del servicio es para autorizados RED.")
    return found


def clerk(request: Request) -> Visitor:
    found = signed_in(request)
    if not found.is_clerk:
        raise PageError(403, "Acceso no permitido", "Esta parte del servicio es para tramitadores.")
    return found


Person = Annotated[Visitor, Depends(signed_in)]
Autorizado = Annotated[Visitor, Depends(autorizado)]
Clerk = Annotated[Visitor, Depends(clerk)]
