"""The five CASIA services, each the console script of its package in this environment's venv."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from casia_local.auth import gateway_auth_env, portal_env
from casia_local.piece import http_status
from casia_local.process import Launch
from casia_local.report import StackError
from casia_local.settings import PORTAL, SERVICE_NAMES, Endpoint, Settings


@dataclass(frozen=True)
class Service:
    settings: Settings
    service: str

    @property
    def name(self) -> str:
        return self.service

    @property
    def fallback(self) -> str:
        return (
            f"read `uv run casia-local logs {self.service}`; the script comes from `uv sync --frozen` "
            "(CASIA_SCRIPTS_DIR names another folder of casia-* scripts)"
        )

    @property
    def managed(self) -> bool:
        return True

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint("127.0.0.1", self.settings.service_ports[self.service])

    @property
    def script(self) -> Path:
        return self.settings.scripts_dir / f"casia-{self.service}"

    def ports(self) -> tuple[int, ...]:
        return (self.endpoint.port,)

    def is_installed(self) -> bool:
        return self.script.is_file()

    def install(self) -> None:
        if not self.is_installed():
            raise StackError(self.name, f"{self.script} does not exist", self.fallback)

    def launch(self) -> Launch:
        env = dict(os.environ, **self.settings.client_env(), CASIA_HTTP_PORT=str(self.endpoint.port))
        if self.service == "intake":
            env.update(gateway_auth_env(self.settings))
        if self.service == PORTAL:
            env.update(portal_env(self.settings))
        return Launch(self.name, [str(self.script)], env)

    def ready(self) -> bool:
        return http_status(f"http://{self.endpoint}/readyz") == 200

    def initialise(self) -> None:
        """Services set up their own indexes and subscriptions."""


def services(settings: Settings) -> list[Service]:
    return [Service(settings, name) for name in SERVICE_NAMES]
