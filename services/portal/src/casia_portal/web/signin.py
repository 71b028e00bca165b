"""Signing in and out.

Production: OpenID Connect authorization code with PKCE against the configured issuer (the
portal keeps the verifier and a state in the session, exchanges the code for a token at the
issuer's token endpoint, and asks the API who that token is). Local (``auth_mode=dev`` only):
a page to choose a persona, whose token the portal signs with the stack's dev secret, as the
gateway checks it. In ``oidc`` mode that page does not exist.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Annotated
from urllib.parse import urlencode

import httpx
import jwt
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from casia_portal.web.context import Portal
from casia_portal.web.errors import PageError
from casia_portal.web.session import check_csrf, sign_in, sign_out

router = APIRouter()

PERSONAS = (
    {
        "role": "autorizado",
        "nif": "12345678Z",
        "name": "Ana Pérez Núñez",
        "authorizations": "1234567;B12345674;Gestoría Pérez SL",
    },
    {
        "role": "autorizado",
        "nif": "87654321X",
        "name": "Luis Martín Sanz",
        "authorizations": "\n".join(
            ("2345678;B87654321;Asesoría Martín y Asociados SL", "3456789;A11111111;Nóminas del Sur SA")
        ),
    },
    {"role": "tramitador", "nif": "00000000T", "name": "Marta Gómez Ruiz", "authorizations": ""},
)
TOKEN_SECONDS = 8 * 3600


class Persona(BaseModel):
    """The dev sign-in form: who to be (a persona of the list, or another one)."""

    csrf_token: str = ""
    role: str = "autorizado"
    nif: str = ""
    name: str = ""
    authorizations: str = ""


@router.get("/entrar", include_in_schema=False)
async def sign_in_page(request: Request, portal: Portal) -> Response:
    if portal.settings.auth_mode == "oidc":
        return _to_issuer(request, portal)
    return portal.pages.render(request, "signin.html", personas=PERSONAS, errors={})


@router.post("/entrar", include_in_schema=False)
async def sign_in_as_persona(
    request: Request, portal: Portal, persona: Annotated[Persona, Form()]
) -> Response:
    if portal.settings.auth_mode != "dev":
        raise PageError(404, "Página no encontrada", "La página que busca no existe.")
    check_csrf(request, persona.csrf_token)
    secret = portal.settings.auth_dev_secret
    if secret is None:
        raise PageError(500, "Acceso no configurado", "Falta el secreto de desarrollo.")
    claims = {
        "iss": portal.settings.auth_issuer,
        "aud": portal.settings.auth_audience,
        "sub": persona.nif.strip().upper(),
        "name": " ".join(persona.name.split()),
        "roles": [persona.role],
        "authorizations": _authorizations(persona.authorizations) if persona.role == "autorizado" else [],
        "iat": int(time.time()),
        "exp": int(time.time()) + TOKEN_SECONDS,
    }
    token = jwt.encode(claims, secret.get_secret_value(), algorithm="HS256")
    return await _start(request, portal, token)


@router.get("/entrar/vuelta", include_in_schema=False)
async def from_issuer(request: Request, portal: Portal, code: str = "", state: str = "") -> Response:
    """OIDC: the issuer sends the person back with a code; exchange it (with the PKCE verifier)."""
    settings = portal.settings
    expected = request.session.pop("oidc_state", None)
    verifier = request.session.pop("oidc_verifier", None)
    if settings.auth_mode != "oidc" or not code or not expected or state != expected or not verifier:
        raise PageError(400, "Acceso no válido", "La respuesta del proveedor de identidad no es válida.")
    async with httpx.AsyncClient(timeout=10) as http:
        answer = await http.post(
            str(settings.oidc_token_url),
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": settings.oidc_redirect_url,
                "client_id": settings.oidc_client_id,
                "code_verifier": verifier,
            },
        )
    if answer.status_code != 200:
        raise PageError(502, "Acceso no disponible", "El proveedor de identidad no ha confirmado el acceso.")
    return await _start(request, portal, str(answer.json()["access_token"]))


@router.post("/salir", include_in_schema=False)
async def sign_out_now(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf_token)
    sign_out(request)
    return RedirectResponse("/entrar", status_code=303)


async def _start(request: Request, portal: Portal, token: str) -> Response:
    me = await portal.gateway.get("/v1/me", token)
    person = sign_in(request, token=token, me=me)
    if person.is_clerk:
        return RedirectResponse("/backoffice", status_code=303)
    return RedirectResponse("/portal", status_code=303)


def _authorizations(lines: str) -> list[dict[str, str]]:
    found = []
    for line in lines.splitlines():
        parts = [p.strip() for p in line.split(";")]
        if len(parts) == 3 and all(parts):
            found.append({"number": parts[0], "holder_nif": parts[1], "business_name": parts[2]})
    return found


def _to_issuer(request: Request, portal: Portal) -> Response:
    settings = portal.settings
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(24)
    request.session.update({"oidc_state": state, "oidc_verifier": verifier})
    query = urlencode(
        {
            "response_type": "code",
            "client_id": settings.oidc_client_id,
            "redirect_uri": settings.oidc_redirect_url,
            "scope": "openid profile",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return RedirectResponse(f"{settings.oidc_authorization_url}?{query}", status_code=303)
