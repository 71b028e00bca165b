"""The local gateway's authentication: dev mode (HS256), with a secret of this stack's own.

The gateway has no default secret (it refuses to start without an explicit mode); the local stack
chooses dev mode for it and gives it ``CASIA_AUTH_DEV_SECRET`` when set, else a random secret
made once for this stack and kept, readable by its owner only, beside its generated configuration.
``casia-token`` and the tests mint their tokens with the same secret.
"""

from __future__ import annotations

import os
import secrets

from casia_local.settings import Settings

SECRET_FILE = "auth-dev-secret"  # noqa: S105 - the name of the file, not a secret


def dev_secret(settings: Settings) -> str:
    """The secret the local gateway checks dev tokens with (made on first use)."""
    if settings.auth_dev_secret:
        return settings.auth_dev_secret
    path = settings.home / "config" / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def gateway_auth_env(settings: Settings) -> dict[str, str]:
    """The CASIA_AUTH_* variables of the local gateway: dev mode, chosen explicitly."""
    return {"CASIA_AUTH_MODE": "dev", "CASIA_AUTH_DEV_SECRET": dev_secret(settings)}
