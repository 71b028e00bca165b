"""A small process supervisor: background processes tracked by PID files, stopped by PID.

A PID file records the PID together with the process's start time (in clock ticks since boot) and the
boot id, so a reused PID is never mistaken for ours: a process is only signalled when all three match.
Nothing is ever looked up or killed by name.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path

OWNER = "casia-local"
_POLL_SECONDS = 0.1


class State(Enum):
    RUNNING = "running"
    STOPPED = "stopped"
    CRASHED = "crashed"


@dataclass(frozen=True)
class Launch:
    """What to run: an absolute executable path, its arguments and its whole environment."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str]


@dataclass(frozen=True)
class PidRecord:
    pid: int
    start_ticks: int
    boot_id: str
    owner: str = OWNER

    def is_alive(self) -> bool:
        """True while the very process this record was written for runs (not a zombie, not a reuse)."""
        _reap(self.pid)
        stat = _proc_stat(self.pid)
        if stat is None or (stat[0] == "Z" and not _other_threads_running(self.pid)):
            _reap(self.pid)  # it may have died between the two looks: collect it now
            return False
        return stat[1] == self.start_ticks and self.boot_id == boot_id() and self.owner == OWNER


class Supervisor:
    """Starts processes in their own session, logs each to <logs>/<name>.log, PID files in <run>."""

    def __init__(self, *, run_dir: Path, logs_dir: Path) -> None:
        self.run_dir = run_dir
        self.logs_dir = logs_dir

    def pid_path(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    def log_path(self, name: str) -> Path:
        return self.logs_dir / f"{name}.log"

    def record(self, name: str) -> PidRecord | None:
        """The PID file's record, or None when there is none or it was not written by casia-local."""
        try:
            raw = json.loads(self.pid_path(name).read_text())
            return PidRecord(int(raw["pid"]), int(raw["start_ticks"]), str(raw["boot_id"]), str(raw["owner"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def state(self, name: str) -> State:
        if not self.pid_path(name).exists():
            return State.STOPPED
        found = self.record(name)
        return State.RUNNING if found is not None and found.is_alive() else State.CRASHED

    def start(self, launch: Launch, *, port: int | None = None) -> PidRecord:
        """Starts `launch` in the background unless it already runs; returns its record either way.

        `port`: the port an extra instance listens on, kept in its PID file (see :meth:`port`)."""
        current = self.record(launch.name)
        if current is not None and current.is_alive():
            return current
        started = self.spawn(launch)
        self.adopt(launch.name, started, port=port)
        return started

    def spawn(self, launch: Launch) -> PidRecord:
        """Starts `launch` in the background, its output appended to `launch.name`'s log, without
        touching any PID file: a process beside the one the PID file names, until :meth:`adopt`."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        pid = _spawn(launch, self.log_path(launch.name))
        stat = _proc_stat(pid)
        return PidRecord(pid, stat[1] if stat else 0, boot_id())

    def adopt(self, name: str, found: PidRecord, *, port: int | None = None) -> None:
        """Names `found` in `name`'s PID file (atomically replacing what it named before)."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        written = asdict(found) | ({} if port is None else {"port": port})
        _write_atomically(self.pid_path(name), json.dumps(written))

    def port(self, name: str) -> int | None:
        """The port kept in `name`'s PID file by `start(..., port=)`, or None."""
        try:
            return int(json.loads(self.pid_path(name).read_text())["port"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def stop(self, name: str, *, timeout: float = 30.0) -> bool:
        """SIGTERM to the process group, SIGKILL after `timeout`; False if nothing of ours was running.

        The PID file is removed in every case where the process is known to be gone; a PID file whose
        process does not match its record is removed without signalling anything.
        """
        found = self.record(name)
        if found is None or not found.is_alive():
            self.pid_path(name).unlink(missing_ok=True)
            return False
        terminate(found, timeout=timeout)
        self.pid_path(name).unlink(missing_ok=True)
        return True

    def forget(self, name: str) -> None:
        """Removes a stale PID file (one whose process is gone)."""
        if self.state(name) is State.CRASHED:
            self.pid_path(name).unlink(missing_ok=True)


def terminate(found: PidRecord, *, timeout: float = 30.0) -> None:
    """SIGTERM to the process group of `found` (still the very process it was written for), SIGKILL
    after `timeout`; returns once it is gone."""
    if not found.is_alive():
        return
    _signal_group(found.pid, signal.SIGTERM)
    if not _wait_gone(found, timeout):
        _signal_group(found.pid, signal.SIGKILL)
        _wait_gone(found, 5.0)


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "unknown"


def _spawn(launch: Launch, log: Path) -> int:
    """posix_spawn in a new session: stdin from /dev/null, stdout and stderr appended to `log`."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(log), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    return os.posix_spawn(
        launch.argv[0], list(launch.argv), dict(launch.env), file_actions=actions, setsid=True
    )


def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state letter, start time in ticks) from /proc/<pid>/stat, or None if there is no such process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw.rpartition(")")[2].split()
    return fields[0], int(fields[19])


def _other_threads_running(pid: int) -> bool:
    """Whether a thread other than the main one still runs: Linux shows a process whose main
    thread has ended as a zombie while its other threads (mongod's shutdown, holding its
    listening socket) finish."""
    try:
        tasks = [task for task in Path(f"/proc/{pid}/task").iterdir() if task.name != str(pid)]
    except OSError:
        return False
    return any(_proc_stat_at(task / "stat") not in (None, "Z") for task in tasks)


def _proc_stat_at(path: Path) -> str | None:
    try:
        return path.read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return None


def _reap(pid: int) -> None:
    """Collects the exit status if `pid` is a child of this process (tests); otherwise does nothing."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _signal_group(pid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signum)


def _wait_gone(found: PidRecord, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not found.is_alive():
            return True
        time.sleep(_POLL_SECONDS)
    return not found.is_alive()


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_suffix(".tmp")
    partial.write_text(text)
    partial.replace(path)
