"""Who is signed in, kept in the signed session cookie (Starlette's SessionMiddleware: signed,
HttpOnly, SameSite=Lax, Secure outside the local stack), and the CSRF token of every form."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from casia_portal.web.errors import PageError


@dataclass(frozen=True)
class Authorization:
    number: str
    holder_nif: str
    business_name: str


@dataclass(frozen=True)
class Visitor:
    """The signed-in person: their token (forwarded to the API), who they are, and the
    authorization they act under now (autorizados)."""

    token: str
    nif: str
    name: str
    roles: tuple[str, ...]
    authorizations: tuple[Authorization, ...]
    chosen: str | None

    @property
    def is_clerk(self) -> bool:
        return "tramitador" in self.roles

    @property
    def authorization(self) -> Authorization | None:
        return next((a for a in self.authorizations if a.number == self.chosen), None)


def sign_in(request: Request, *, token: str, me: dict[str, Any]) -> Visitor:
    """Start a session for the person the API says ``token`` is (``GET /v1/me``)."""
    request.session.clear()
    authorizations = [dict(a) for a in me.get("authorizations", [])]
    request.session.update(
        {
            "token": token,
            "nif": me["nif"],
            "name": me["name"],
            "roles": list(me.get("roles", [])),
            "authorizations": authorizations,
            "chosen": authorizations[0]["number"] if len(authorizations) == 1 else None,
            "csrf": secrets.token_urlsafe(32),
        }
    )
    found = visitor(request)
    assert found is not None
    return found


def sign_out(request: Request) -> None:
    request.session.clear()


def choose(request: Request, number: str) -> None:
    """Act under authorization ``number`` (one the token holds; anything else is refused)."""
    current = visitor(request)
    if current is None or all(a.number != number for a in current.authorizations):
        raise PageError(403, "Autorización no disponible", "No actúa en nombre de esa autorización.")
    request.session["chosen"] = number


def visitor(request: Request) -> Visitor | None:
    data = request.session
    if "token" not in data:
        return None
    return Visitor(
        token=data["token"],
        nif=data["nif"],
        name=data["name"],
        roles=tuple(data.get("roles", [])),
        authorizations=tuple(Authorization(**a) for a in data.get("authorizations", [])),
        chosen=data.get("chosen"),
    )


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made for an anonymous session too: the sign-in form has one)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def check_csrf(request: Request, sent: object) -> None:
    """Refuse (403) a form whose ``csrf_token`` is not the session's."""
    expected = request.session.get("csrf")
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, str(expected)):
        raise PageError(
            403,
            "Formulario caducado",
            "El formulario no es válido o ha caducado. Vuelva a la página e inténtelo de nuevo.",
        )
