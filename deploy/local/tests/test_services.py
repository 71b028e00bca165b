"""Starting services: wait for /readyz, fail with the log tail, record and stop only what was started.

The services here are stand-ins written into a temporary folder, on free ports.
"""

from __future__ import annotations

import os
import socket
import stat
import sys
from pathlib import Path

import pytest

from casia_local import stack
from casia_local.process import State
from casia_local.report import StackError
from casia_local.services import Service
from casia_local.settings import Settings

READY_SERVICE = """
import http.server, os

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path in ("/healthz", "/readyz") else 404)
        self.end_headers()

print("stand-in listening", flush=True)
http.server.HTTPServer(("127.0.0.1", int(os.environ["CASIA_HTTP_PORT"])), Handler).serve_forever()
"""

FAILING_SERVICE = """
print("cannot reach the broker", flush=True)
raise SystemExit(3)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stand_in(folder: Path, name: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / f"casia-{name}"
    script.write_text(f"#!{sys.executable}\n{body}")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    env = dict(
        os.environ,
        CASIA_LOCAL_HOME=str(tmp_path / "home"),
        CASIA_SCRIPTS_DIR=str(tmp_path / "bin"),
        CASIA_INTAKE_PORT=str(free_port()),
        CASIA_WORKFLOW_PORT=str(free_port()),
        CASIA_READY_TIMEOUT="10",
    )
    return Settings.from_env(env)


def test_a_service_is_started_with_its_port_and_waited_for(settings: Settings, tmp_path: Path) -> None:
    stand_in(settings.scripts_dir, "intake", READY_SERVICE)
    sup = stack.supervisor(settings)
    intake = Service(settings, "intake")
    recorder = stack.Recorder(tmp_path / "record.json")

    stack.start(sup, intake, recorder)
    try:
        stack.await_ready(sup, [intake], timeout=10)
        assert sup.state("intake") is State.RUNNING
        assert intake.ready()
    finally:
        stack.down(settings, recorded=tmp_path / "record.json")

    assert sup.state("intake") is State.STOPPED


def test_a_service_that_exits_is_reported_with_its_log(settings: Settings) -> None:
    stand_in(settings.scripts_dir, "workflow", FAILING_SERVICE)
    sup = stack.supervisor(settings)
    workflow = Service(settings, "workflow")
    stack.start(sup, workflow, stack.Recorder(None))

    with pytest.raises(StackError, match="cannot reach the broker") as failure:
        stack.await_ready(sup, [workflow], timeout=10)

    assert failure.value.piece == "workflow"
    assert stack.status(settings) == 1
    sup.forget("workflow")


def test_a_missing_service_script_fails_loudly(settings: Settings) -> None:
    with pytest.raises(StackError, match="casia-receipts"):
        Service(settings, "receipts").install()


def test_down_from_a_record_leaves_processes_it_did_not_start(settings: Settings, tmp_path: Path) -> None:
    stand_in(settings.scripts_dir, "intake", READY_SERVICE)
    stand_in(settings.scripts_dir, "workflow", READY_SERVICE)
    sup = stack.supervisor(settings)
    stack.start(sup, Service(settings, "intake"), stack.Recorder(None))
    stack.start(sup, Service(settings, "workflow"), stack.Recorder(tmp_path / "record.json"))

    stack.down(settings, recorded=tmp_path / "record.json")

    assert sup.state("workflow") is State.STOPPED
    assert sup.state("intake") is State.RUNNING
    stack.down(settings)
    assert sup.state("intake") is State.STOPPED


def test_a_port_taken_by_another_process_is_refused_before_starting(settings: Settings) -> None:
    stand_in(settings.scripts_dir, "intake", READY_SERVICE)
    sup = stack.supervisor(settings)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", settings.service_ports["intake"]))
        squatter.listen()

        with pytest.raises(StackError, match="already in use"):
            stack.start(sup, Service(settings, "intake"), stack.Recorder(None))

    assert sup.state("intake") is State.STOPPED


def test_only_the_gateway_is_launched_with_its_authentication(settings: Settings) -> None:
    intake = Service(settings, "intake").launch().env
    workflow = Service(settings, "workflow").launch().env

    assert intake["CASIA_AUTH_MODE"] == "dev"
    assert len(intake["CASIA_AUTH_DEV_SECRET"].encode()) >= 32
    assert workflow.get("CASIA_AUTH_DEV_SECRET") == os.environ.get("CASIA_AUTH_DEV_SECRET")  # nothing added
