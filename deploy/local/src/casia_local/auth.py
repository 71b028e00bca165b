"""The local gateway's authentication: dev mode (HS256), with a secret of this stack's own.

The gateway has no default secret (it refuses to start without an explicit mode); the local stack
chooses dev mode for it and gives it ``CASIA_AUTH_DEV_SECRET`` when set, else a random secret
made once for this stack and kept, readable by its owner only, beside its generated configuration.
``casia-token`` and the tests mint their tokens with the same secret.

A rotation (``casia-local rotate-secret auth``) keeps the secret it replaces as the previous one:
the gateway still accepts tokens signed with it (``CASIA_AUTH_DEV_PREVIOUS_SECRETS``) until the
next rotation, or until it is forgotten.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from casia_local.settings import Settings

SECRET_FILE = "auth-dev-secret"  # noqa: S105 - the name of the file, not a secret
PREVIOUS_SECRETS_FILE = "auth-dev-previous-secrets"
SESSION_SECRET_FILE = "portal-session-secret"  # noqa: S105 - idem


@dataclass(frozen=True)
class DevSecrets:
    """The secret tokens are signed with, and the previous ones still accepted (oldest last)."""

    current: str
    previous: tuple[str, ...] = ()

    def rotated(self) -> DevSecrets:
        """A new random secret; the current one becomes the only previous one."""
        return DevSecrets(secrets.token_urlsafe(48), (self.current,))

    def without_previous(self) -> DevSecrets:
        return DevSecrets(self.current)


def dev_secret(settings: Settings) -> str:
    """The secret the local gateway checks dev tokens with (made on first use)."""
    if settings.auth_dev_secret:
        return settings.auth_dev_secret
    return _kept_secret(settings, SECRET_FILE)


def kept_dev_secrets(settings: Settings) -> DevSecrets:
    """The secrets this stack keeps (the current one made on first use)."""
    path = _config(settings) / PREVIOUS_SECRETS_FILE
    previous = path.read_text().split() if path.exists() else []
    return DevSecrets(_kept_secret(settings, SECRET_FILE), tuple(previous))


def keep_dev_secrets(settings: Settings, kept: DevSecrets) -> None:
    """Replaces the kept secrets, each file atomically and readable by its owner only: the
    previous ones first, so that a secret is never dropped before it is kept as previous."""
    _write_private(_config(settings) / PREVIOUS_SECRETS_FILE, "\n".join(kept.previous))
    _write_private(_config(settings) / SECRET_FILE, kept.current)


def _config(settings: Settings) -> Path:
    return settings.home / "config"


def _kept_secret(settings: Settings, name: str) -> str:
    """A random secret made once for this stack and kept, readable by its owner only."""
    path = _config(settings) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as stream:
        stream.write(text)
    partial.replace(path)


def portal_env(settings: Settings) -> dict[str, str]:
    """The portal's variables: the gateway it uses, the same dev sign-in (it signs with the
    current secret), a session secret of this stack's own, and cookies over plain HTTP."""
    return {
        "CASIA_AUTH_MODE": "dev",
        "CASIA_AUTH_DEV_SECRET": dev_secret(settings),
        "CASIA_GATEWAY_URL": f"http://127.0.0.1:{settings.service_ports['intake']}",
        "CASIA_SESSION_SECRET": _kept_secret(settings, SESSION_SECRET_FILE),
        "CASIA_SECURE_COOKIES": "false",
    }


def gateway_auth_env(settings: Settings) -> dict[str, str]:
    """The CASIA_AUTH_* variables of the local gateway: dev mode, chosen explicitly, and the
    previous secrets of a rotation (a secret set by CASIA_AUTH_DEV_SECRET is not kept here: its
    previous ones, if any, come from CASIA_AUTH_DEV_PREVIOUS_SECRETS in the environment)."""
    env = {"CASIA_AUTH_MODE": "dev", "CASIA_AUTH_DEV_SECRET": dev_secret(settings)}
    if not settings.auth_dev_secret:
        previous = kept_dev_secrets(settings).previous
        if previous:
            env["CASIA_AUTH_DEV_PREVIOUS_SECRETS"] = ",".join(previous)
    return env
