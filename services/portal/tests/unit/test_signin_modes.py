"""Signing in: the dev persona page exists only in dev mode; in oidc mode the portal sends the
person to the issuer with PKCE and a state, and takes back only a code that matches them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from pydantic import SecretStr

from casia_portal.app import create_app
from casia_portal.settings import PortalSettings

SECRET = SecretStr("s" * 40)
OIDC = PortalSettings(
    auth_mode="oidc",
    session_secret=SECRET,
    secure_cookies=False,
    oidc_authorization_url="https://idp.example/authorize",
    oidc_token_url="https://idp.example/token",
    oidc_client_id="casia-portal",
    oidc_redirect_url="https://casia.example/entrar/vuelta",
)


def client(settings: PortalSettings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings)), base_url="http://portal"
    )


async def test_in_oidc_mode_the_sign_in_page_sends_the_person_to_the_issuer_with_pkce() -> None:
    async with client(OIDC) as http:
        answer = await http.get("/entrar")
    assert answer.status_code == 303
    target = urlsplit(answer.headers["location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}{target.path}" == "https://idp.example/authorize"
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["client_id"] == ["casia-portal"] and query["response_type"] == ["code"]
    assert len(query["state"][0]) >= 24


async def test_in_oidc_mode_there_is_no_persona_sign_in() -> None:
    async with client(OIDC) as http:
        page = await http.get("/entrar")
        posted = await http.post("/entrar", data={"role": "tramitador", "nif": "00000000T", "name": "X"})
    assert "Personas de prueba" not in page.text
    assert posted.status_code in (403, 404)  # refused: never a session


async def test_a_code_that_does_not_match_the_state_is_refused() -> None:
    async with client(OIDC) as http:
        await http.get("/entrar")
        answer = await http.get("/entrar/vuelta", params={"code": "abc", "state": "not-the-state"})
    assert answer.status_code == 400


async def test_in_dev_mode_the_persona_page_is_there_and_its_form_carries_a_csrf_token() -> None:
    dev = PortalSettings(auth_mode="dev", session_secret=SECRET, auth_dev_secret=SECRET, secure_cookies=False)
    async with client(dev) as http:
        page = await http.get("/entrar")
        refused = await http.post("/entrar", data={"role": "tramitador", "nif": "00000000T", "name": "X"})
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    assert refused.status_code == 403
