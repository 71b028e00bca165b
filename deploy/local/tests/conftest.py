"""The Docker engine and the images, shared by test_images.py and test_compose.py: one engine per
test session (ours, stopped by PID at the end, when none was running) and one build of each image.
And a stack of stand-ins for test_operations.py and test_rotation.py: a gateway and a portal that
share their ports as the services do (SO_REUSEPORT) and name their PID in every answer."""

from __future__ import annotations

import os
import socket
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from casia_local import stack
from casia_local.engine import Engine, engine
from casia_local.images import Image, build_all
from casia_local.infra_images import InfraImage, build_infra
from casia_local.process import PidRecord
from casia_local.services import Service
from casia_local.settings import Settings

SHARING_SERVICE = """
import http.server, os, socket, sys

NAME = os.path.basename(sys.argv[0]).removeprefix("casia-")

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path in ("/healthz", "/readyz") else 404)
        self.send_header("casia-process", str(os.getpid()))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

class Server(http.server.HTTPServer):
    def server_bind(self):
        if NAME not in os.environ.get("STAND_INS_NOT_SHARING", "").split(","):
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()

Server(("127.0.0.1", int(os.environ["CASIA_HTTP_PORT"])), Handler).serve_forever()
"""
"""A stand-in service; one named in STAND_INS_NOT_SHARING binds its port without SO_REUSEPORT."""


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session")
def docker(settings: Settings) -> Iterator[Engine]:
    with engine(settings.cache) as found:
        yield found


@pytest.fixture(scope="session")
def built(docker: Engine, settings: Settings) -> list[Image]:
    """Every service's image (a warm layer cache makes this about half a minute)."""
    return build_all(docker, settings.repo)


@pytest.fixture(scope="session")
def built_infra(docker: Engine, settings: Settings) -> list[InfraImage]:
    """Kafka, MongoDB, MinIO and Mailpit for deploy/compose."""
    return build_infra(docker, settings)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def stand_ins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """A stack of the test's own (its home in `tmp_path`) whose gateway and portal are stand-ins;
    whatever it started is stopped by PID at the end."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for service in ("intake", "portal"):
        script = folder / f"casia-{service}"
        script.write_text(f"#!{sys.executable}\n{SHARING_SERVICE}")
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.delenv("CASIA_LOCAL_RECORD", raising=False)
    monkeypatch.delenv("STAND_INS_NOT_SHARING", raising=False)
    env = dict(
        os.environ,
        CASIA_LOCAL_HOME=str(tmp_path / "home"),
        CASIA_SCRIPTS_DIR=str(folder),
        CASIA_INTAKE_PORT=str(free_port()),
        CASIA_PORTAL_PORT=str(free_port()),
        CASIA_READY_TIMEOUT="10",
    )
    env.pop("CASIA_AUTH_DEV_SECRET", None)
    settings = Settings.from_env(env)
    try:
        yield settings
    finally:
        stack.down(settings)


def start_stand_in(settings: Settings, service: str) -> PidRecord:
    """`service`'s stand-in started as `up` starts it, once ready."""
    sup = stack.supervisor(settings)
    piece = Service(settings, service)
    found = sup.start(piece.launch())
    stack.await_ready(sup, [piece], timeout=10)
    return found


@pytest.fixture
def gateway(stand_ins: Settings) -> PidRecord:
    """The stand-in gateway, running."""
    return start_stand_in(stand_ins, "intake")


@pytest.fixture
def portal(stand_ins: Settings, gateway: PidRecord) -> PidRecord:
    """The stand-in portal, running beside the stand-in gateway."""
    return start_stand_in(stand_ins, "portal")
