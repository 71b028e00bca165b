"""Settings of the intake gateway (``CASIA_*`` environment variables)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from casia_runtime.settings import RuntimeSettings


class IntakeSettings(RuntimeSettings):
    service_name: str = "intake"
    http_port: int = 8000
    mongo_timeout_seconds: float = Field(default=3.0, gt=0)
    """A request's MongoDB operations each give up after this (503), well before a client's own
    timeout."""

    auth_mode: Literal["dev", "oidc"] | None = None
    """Required, no default: ``oidc`` checks tokens against the issuer's JWKS (production);
    ``dev`` accepts HS256 tokens signed with ``auth_dev_secret`` (local only). Checked by
    :func:`casia_intake.auth.auth_config`, which refuses to start the gateway without it."""
    auth_dev_secret: SecretStr | None = None
    auth_dev_previous_secrets: SecretStr | None = None
    """``dev``: secrets replaced by a rotation, comma-separated, each of at least 32 bytes: tokens
    signed with one of them are still accepted (verification only) until they expire or the
    secret is dropped from this list. Ignored in ``oidc`` mode, like ``auth_dev_secret``."""
    auth_issuer: str | None = None
    """``oidc``: required. ``dev``: ``casia-local`` when unset."""
    auth_audience: str | None = None
    """``oidc``: required. ``dev``: ``casia`` when unset."""
    auth_jwks_url: str | None = None

    quarantine_bucket: str = "casia-quarantine"
    documents_bucket: str = "casia-documents"
    max_file_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    """The largest file accepted (413 above it); the documents service checks the same limit."""
    max_upload_request_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    """The largest multipart body (all its files and fields together), or PDF body (a receipt to
    verify): 413 above it, at once when the request declares its length."""

    read_your_writes_seconds: float = Field(default=3.0, ge=0)
    """How long a command waits to see its effect before answering 202 instead of 201."""
    kafka_publish_timeout_seconds: float = Field(default=5.0, gt=0)
    retry_after_seconds: int = Field(default=5, ge=1)
    verify_rate_per_minute: int = Field(default=30, ge=1)
    """How many receipt verifications (by CEA, its PDF, or an uploaded PDF: the public routes)
    one client address may make in any 60 seconds, per gateway instance; 429 above it."""
    max_body_bytes: int = Field(default=1 << 20, ge=1)
    """A request body above this is refused with 413 before more of it is read (1 MiB: far above
    any case's JSON; uploads have their own limits)."""
