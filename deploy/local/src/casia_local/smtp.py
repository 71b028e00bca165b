"""SMTP: Mailpit (built with `go install`, pinned), which keeps every message it receives.

Tests read the messages through its API (<ui>/api/v1/messages); people read them in the web UI.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from casia_local.golang import GoBuiltPiece
from casia_local.piece import http_status, tcp_open
from casia_local.process import Launch
from casia_local.settings import Endpoint, Settings

MODULE = "github.com/axllent/mailpit"
VERSION = "v1.33.1"
MAX_MESSAGES = "10000"
FALLBACK = (
    "point CASIA_SMTP_HOST/CASIA_SMTP_PORT at an existing SMTP server (CASIA_MANAGE_SMTP=false), "
    "e.g. `python -m aiosmtpd -n -l 127.0.0.1:1025` from the PyPI package aiosmtpd (no web UI or API)"
)


@dataclass(frozen=True)
class Mailpit(GoBuiltPiece):
    settings: Settings
    module = MODULE
    version = VERSION
    executable = "mailpit"
    name: str = "smtp"

    @property
    def fallback(self) -> str:
        return FALLBACK

    @property
    def managed(self) -> bool:
        return self.settings.smtp.managed

    @property
    def endpoint(self) -> Endpoint:
        return self.settings.smtp.endpoint

    def ports(self) -> tuple[int, ...]:
        return self.endpoint.port, self.settings.smtp.ui_port

    def launch(self) -> Launch:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        ui = f"{self.endpoint.host}:{self.settings.smtp.ui_port}"
        argv = [
            str(self.binary),
            "--smtp",
            str(self.endpoint),
            "--listen",
            ui,
            "--database",
            str(self.settings.data_dir / "mailpit.db"),
            "--max",
            MAX_MESSAGES,
            "--smtp-auth-accept-any",
            "--smtp-auth-allow-insecure",
            "--smtp-disable-rdns",
            "--disable-version-check",
        ]
        return Launch(self.name, argv, dict(os.environ))

    def ready(self) -> bool:
        if not tcp_open(self.endpoint):
            return False
        return not self.managed or http_status(f"{self.settings.smtp.ui_url}/readyz") == 200

    def initialise(self) -> None:
        """Nothing to set up: Mailpit accepts any recipient."""
