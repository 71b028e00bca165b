"""Settings of the portal (``CASIA_*`` environment variables)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASIA_", frozen=True, extra="ignore")

    http_host: str = "127.0.0.1"
    http_port: int = 8080
    gateway_url: str = "http://127.0.0.1:8000"
    """The gateway's public API: the portal's only source of data and rules."""
    session_secret: SecretStr | None = None
    """Signs the session cookie; required (the portal refuses to start without one)."""
    secure_cookies: bool = True
    """Session cookie only over HTTPS; ``false`` for the local stack (plain HTTP on loopback)."""
    auth_mode: Literal["dev", "oidc"] | None = None
    """``dev``: a local sign-in page to choose a persona, tokens signed with ``auth_dev_secret``
    (as the gateway checks them); ``oidc``: OpenID Connect authorization code with PKCE."""
    auth_dev_secret: SecretStr | None = None
    auth_issuer: str = "casia-local"
    auth_audience: str = "casia"
    oidc_authorization_url: str | None = None
    oidc_token_url: str | None = None
    oidc_client_id: str | None = None
    oidc_redirect_url: str | None = None
    timezone: str = "Europe/Madrid"
    page_size: int = Field(default=20, ge=1, le=100)
    log_level: str = "INFO"
