"""The five CASIA services and the portal, each the console script of its package in this
environment's venv; a service may run as several instances (``casia-local scale``).

The first instance of a service is the piece named after it, on the service's port. An extra
instance is named ``<service>@<n>`` (n = 2, 3, ...) and has a PID file of its own that also keeps
its port: a consumer's is a free port of its own (health and metrics only), the gateway's and the
portal's is the service's port, which they share (SO_REUSEPORT).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from casia_local.auth import gateway_auth_env, portal_env
from casia_local.piece import http_status
from casia_local.process import Launch, Supervisor
from casia_local.report import StackError
from casia_local.settings import PORTAL, SERVICE_NAMES, Endpoint, Settings

INSTANCE_MARK = "@"


@dataclass(frozen=True)
class Service:
    settings: Settings
    service: str
    instance: int = 1
    port: int | None = None
    """An extra instance's port, when it is not the service's own."""

    @property
    def name(self) -> str:
        return self.service if self.instance == 1 else f"{self.service}{INSTANCE_MARK}{self.instance}"

    @property
    def fallback(self) -> str:
        return (
            f"read `uv run casia-local logs {self.name}`; the script comes from `uv sync --frozen` "
            "(CASIA_SCRIPTS_DIR names another folder of casia-* scripts)"
        )

    @property
    def managed(self) -> bool:
        return True

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint("127.0.0.1", self.port or self.settings.service_ports[self.service])

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
        env = {
            **os.environ,
            **self.settings.client_env(),
            **self.settings.traces_env(),
            "CASIA_HTTP_PORT": str(self.endpoint.port),
        }
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


def extras(settings: Settings, service: str | None = None) -> list[Service]:
    """The extra instances with a PID file (of `service`, else of every service), oldest first."""
    supervisor = Supervisor(run_dir=settings.run_dir, logs_dir=settings.logs_dir)
    found: list[Service] = []
    for name in [service] if service else SERVICE_NAMES:
        for path in settings.run_dir.glob(f"{name}{INSTANCE_MARK}*.pid"):
            number = path.stem.rpartition(INSTANCE_MARK)[2]
            if number.isdigit():
                found.append(Service(settings, name, int(number), supervisor.port(path.stem)))
    return sorted(found, key=lambda each: (SERVICE_NAMES.index(each.service), each.instance))


def instances(settings: Settings, service: str) -> list[Service]:
    """Every instance of `service` casia-local knows of: the first, then its extras, oldest first."""
    return [Service(settings, service), *extras(settings, service)]
