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
SESSION_SECRET_FILE = "portal-session-secret"  # noqa: S105 - idem


def dev_secret(settings: Settings) -> str:
    """The secret the local gateway checks dev tokens with (made on first use)."""
    if settings.auth_dev_secret:
        return settings.auth_dev_secret
    return _kept_secret(settings, SECRET_FILE)


def _kept_secret(settings: Settings, name: str) -> str:
    """A random secret made once for this stack and kept, readable by its owner only."""
    path = settings.home / "config" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def portal_env(settings: Settings) -> dict[str, str]:
    """The portal's variables: the gateway it uses, the same dev sign-in, a session secret of this
    stack's own, and cookies over plain HTTP (loopback only)."""
    return {
        **gateway_auth_env(settings),
        "CASIA_GATEWAY_URL": f"http://127.0.0.1:{settings.service_ports['intake']}",
        "CASIA_SESSION_SECRET": _kept_secret(settings, SESSION_SECRET_FILE),
        "CASIA_SECURE_COOKIES": "false",
    }


def gateway_auth_env(settings: Settings) -> dict[str, str]:
    """The CASIA_AUTH_* variables of the local gateway: dev mode, chosen explicitly."""
    return {"CASIA_AUTH_MODE": "dev", "CASIA_AUTH_DEV_SECRET": dev_secret(settings)}
