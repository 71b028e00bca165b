"""The supervisor: start in the background, state by PID file, stop by PID only."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pytest

from casia_local.process import Launch, PidRecord, State, Supervisor


def sleeper(name: str, *, code: str = "import time; time.sleep(60)") -> Launch:
    return Launch(name, [sys.executable, "-c", code], dict(os.environ))


@pytest.fixture
def supervisor(tmp_path: Path) -> Supervisor:
    return Supervisor(run_dir=tmp_path / "run", logs_dir=tmp_path / "logs")


def test_a_started_process_runs_in_its_own_session_and_stops_by_pid(supervisor: Supervisor) -> None:
    started = supervisor.start(sleeper("sleeper"))

    assert supervisor.state("sleeper") is State.RUNNING
    assert os.getsid(started.pid) == started.pid
    assert supervisor.stop("sleeper", timeout=5) is True
    assert supervisor.state("sleeper") is State.STOPPED
    assert not supervisor.pid_path("sleeper").exists()
    assert not started.is_alive()


def test_starting_twice_keeps_the_first_process(supervisor: Supervisor) -> None:
    first = supervisor.start(sleeper("twice"))
    second = supervisor.start(sleeper("twice"))

    assert second == first
    supervisor.stop("twice", timeout=5)


def test_output_goes_to_the_log_file(supervisor: Supervisor) -> None:
    started = supervisor.start(sleeper("talker", code="print('hello from the child', flush=True)"))
    _wait(lambda: not started.is_alive())

    assert "hello from the child" in supervisor.log_path("talker").read_text()


def test_a_pid_file_whose_process_died_is_reported_as_crashed(supervisor: Supervisor) -> None:
    started = supervisor.start(sleeper("short", code="raise SystemExit(3)"))
    _wait(lambda: not started.is_alive())

    assert supervisor.state("short") is State.CRASHED
    supervisor.forget("short")
    assert supervisor.state("short") is State.STOPPED


def test_a_reused_pid_is_never_signalled(supervisor: Supervisor) -> None:
    """The PID file names this very test process, but with another start time: not ours."""
    supervisor.run_dir.mkdir(parents=True)
    foreign = PidRecord(os.getpid(), start_ticks=1, boot_id="another-boot")
    supervisor.pid_path("foreign").write_text(json.dumps(asdict(foreign)))

    assert supervisor.state("foreign") is State.CRASHED
    assert supervisor.stop("foreign") is False  # this process is still alive to assert it
    assert not supervisor.pid_path("foreign").exists()


def test_a_pid_file_not_written_by_casia_local_is_crashed_not_running(supervisor: Supervisor) -> None:
    supervisor.run_dir.mkdir(parents=True)
    supervisor.pid_path("garbage").write_text(str(os.getpid()))

    assert supervisor.record("garbage") is None
    assert supervisor.state("garbage") is State.CRASHED
    assert supervisor.stop("garbage") is False


def test_a_process_ignoring_sigterm_is_killed_after_the_timeout(supervisor: Supervisor) -> None:
    code = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('ready', flush=True); time.sleep(60)"
    )
    started = supervisor.start(sleeper("stubborn", code=code))
    _wait(lambda: "ready" in supervisor.log_path("stubborn").read_text())

    assert supervisor.stop("stubborn", timeout=0.5) is True
    assert not started.is_alive()


def _wait(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_a_process_whose_main_thread_ended_runs_until_its_last_thread_ends(supervisor: Supervisor) -> None:
    """Linux shows such a process as a zombie while its other threads (a server shutting down,
    its port still bound) finish: it is not gone yet."""
    code = (
        "import ctypes, threading, time\n"
        "threading.Thread(target=time.sleep, args=(1.5,)).start()\n"
        "ctypes.CDLL(None).pthread_exit(None)\n"
    )
    started = supervisor.start(sleeper("lingering", code=code))
    time.sleep(0.5)
    state = Path(f"/proc/{started.pid}/stat").read_text().rpartition(")")[2].split()[0]

    assert state == "Z"  # the main thread has ended
    assert started.is_alive()
    deadline = time.monotonic() + 10
    while started.is_alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not started.is_alive()
