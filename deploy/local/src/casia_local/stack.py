"""The whole stack: install, start (idempotently), initialise, stop by PID, and report."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from casia_local import kafka, minio, mongo, smtp
from casia_local.piece import Piece, tcp_open
from casia_local.process import PidRecord, State, Supervisor
from casia_local.report import StackError, say
from casia_local.services import extras, services
from casia_local.settings import Endpoint, Settings

_POLL_SECONDS = 0.2
_TAIL_LINES = 30
RECORD_VARIABLE = "CASIA_LOCAL_RECORD"
"""Names the record file of the `up --record` run in progress (`make test`), if any."""


def infrastructure(settings: Settings) -> list[Piece]:
    """Kafka, MongoDB, object storage and SMTP, in start order; the implementation switches are explicit."""
    brokers: dict[str, type[kafka.Kafka]] = {"apache": kafka.Kafka, "tansu": kafka.Tansu}
    broker = brokers.get(settings.kafka.impl)
    if broker is None:
        raise StackError(
            "kafka", f"unknown CASIA_KAFKA_IMPL={settings.kafka.impl!r} (apache or tansu)", kafka.FALLBACK
        )
    if settings.s3.impl != "minio" and settings.s3.managed:
        raise StackError(
            "minio", f"CASIA_S3_IMPL={settings.s3.impl} is not started by casia-local", minio.FALLBACK
        )
    return [broker(settings), mongo.Mongo(settings), minio.MinioServer(settings), smtp.Mailpit(settings)]


def every_piece(settings: Settings) -> list[Piece]:
    return [*infrastructure(settings), *services(settings)]


def every_process(settings: Settings) -> list[Piece]:
    """Every piece, then the services' extra instances (`casia-local scale`): what `down` stops."""
    return [*every_piece(settings), *extras(settings)]


def recorded_run() -> Path | None:
    """The record file named by CASIA_LOCAL_RECORD, or None."""
    path = os.environ.get(RECORD_VARIABLE)
    return Path(path) if path else None


def supervisor(settings: Settings) -> Supervisor:
    return Supervisor(run_dir=settings.run_dir, logs_dir=settings.logs_dir)


def install(pieces: Sequence[Piece]) -> None:
    """Installs every managed piece that is missing; cached pieces are only reported."""
    for piece in pieces:
        if piece.managed:
            piece.install()


def up(settings: Settings, *, infra_only: bool = False, record: Path | None = None) -> None:
    """Starts what is not running yet, initialises it, waits until everything is ready.

    Idempotent: a piece already running is left alone. `record` lists the processes this call started.
    """
    sup = supervisor(settings)
    recorder = Recorder(record)
    groups = [infrastructure(settings)] + ([] if infra_only else [list(services(settings))])
    for pieces in groups:
        install([piece for piece in pieces if sup.state(piece.name) is not State.RUNNING])
        for piece in pieces:
            start(sup, piece, recorder)
        await_ready(sup, pieces, timeout=settings.ready_timeout)
        for piece in pieces:
            piece.initialise()
    if not infra_only:
        say("up.done", gateway=settings.gateway_url, portal=settings.portal_url, mail=settings.smtp.ui_url)
    else:
        say("up.done", services="not started (--infra-only)", mail=settings.smtp.ui_url)


def start(sup: Supervisor, piece: Piece, recorder: Recorder) -> None:
    if not piece.managed:
        say("up.external", piece=piece.name, address=piece.endpoint)
        return
    state = sup.state(piece.name)
    if state is State.RUNNING:
        found = sup.record(piece.name)
        say("up.already_running", piece=piece.name, pid=found.pid if found else "?")
        return
    if state is State.CRASHED:
        say("up.restarting_crashed", piece=piece.name, log=sup.log_path(piece.name))
        sup.forget(piece.name)
    busy = [port for port in piece.ports() if tcp_open(Endpoint(piece.endpoint.host, port))]
    if busy:
        raise StackError(
            piece.name, f"port {busy} already in use by a process casia-local did not start", piece.fallback
        )
    started = sup.start(piece.launch())
    recorder.add(piece.name, started)
    say("up.started", piece=piece.name, pid=started.pid, ports=",".join(map(str, piece.ports())))


def await_ready(sup: Supervisor, pieces: Sequence[Piece], *, timeout: float) -> None:
    """Polls every piece until it is ready; a managed process that exits fails at once."""
    began = time.monotonic()
    pending = list(pieces)
    while pending:
        for piece in list(pending):
            if piece.managed and sup.state(piece.name) is State.CRASHED:
                raise StackError(
                    piece.name,
                    "exited during start-up; last log lines:\n" + tail(sup.log_path(piece.name)),
                    piece.fallback,
                )
            if piece.ready():
                pending.remove(piece)
                say("up.ready", piece=piece.name, address=piece.endpoint, seconds=time.monotonic() - began)
        if pending and time.monotonic() - began > timeout:
            late = pending[0]
            raise StackError(
                late.name,
                f"not ready after {timeout:.0f} s; last log lines:\n" + tail(sup.log_path(late.name)),
                late.fallback,
            )
        if pending:
            time.sleep(_POLL_SECONDS)


def down(settings: Settings, *, recorded: Path | None = None) -> None:
    """Stops by PID, extra instances first, then the services. With `recorded`, only the processes
    the record file names (`up --record`; `scale` and `upgrade` keep it current)."""
    sup = supervisor(settings)
    names = [piece.name for piece in every_process(settings)]
    wanted = Recorder.load(recorded) if recorded is not None else None
    for name in reversed(names):
        if wanted is not None and not _is_recorded(sup, name, wanted):
            continue
        if sup.stop(name):
            say("down.stopped", piece=name)


def restart(settings: Settings, *, pieces: Sequence[str]) -> None:
    """Stops the named pieces by PID, then brings the whole stack up (starting them again)."""
    sup = supervisor(settings)
    names = [piece.name for piece in every_piece(settings)]
    unknown = [name for name in pieces if name not in names]
    if unknown:
        raise StackError(unknown[0], f"no such piece; one of {', '.join(names)}")
    for name in reversed(names):
        if name in pieces and sup.stop(name):
            say("down.stopped", piece=name)
    up(settings)


def _is_recorded(sup: Supervisor, name: str, wanted: dict[str, PidRecord]) -> bool:
    """True when `name` runs as the very process the record file names."""
    return name in wanted and sup.record(name) == wanted[name]


def status(settings: Settings) -> int:
    """Prints one line per piece; returns 1 when a managed piece has crashed, else 0."""
    sup = supervisor(settings)
    crashed = 0
    for piece in every_process(settings):
        line, is_crashed = _status_line(sup, piece)
        crashed += is_crashed
        print(line)
    return 1 if crashed else 0


def _status_line(sup: Supervisor, piece: Piece) -> tuple[str, bool]:
    label = f"{piece.name:<10}"
    if not piece.managed:
        reach = "reachable" if tcp_open(piece.endpoint) else "unreachable"
        return f"{label} external  address={piece.endpoint} {reach}", False
    state = sup.state(piece.name)
    ports = ",".join(map(str, piece.ports()))
    if state is State.RUNNING:
        found = sup.record(piece.name)
        return f"{label} running   pid={found.pid if found else '?'} ports={ports}", False
    if state is State.CRASHED:
        return f"{label} crashed   pid file without its process; log={sup.log_path(piece.name)}", True
    return f"{label} stopped", False


def logs(settings: Settings, *, piece: str | None, lines: int) -> None:
    sup = supervisor(settings)
    names = [p.name for p in every_process(settings)]
    if piece is not None and piece not in names:
        raise StackError(piece, f"no such piece; one of {', '.join(names)}")
    for name in [piece] if piece else names:
        path = sup.log_path(name)
        if path.exists():
            print(f"==> {path} <==")
            print(tail(path, lines))


def clean(settings: Settings) -> None:
    """Stops everything, then removes data, logs, PID files and generated configuration."""
    down(settings)
    for folder in (settings.data_dir, settings.logs_dir, settings.run_dir, settings.home / "config"):
        shutil.rmtree(folder, ignore_errors=True)
    say("clean.done", home=settings.home)


def tail(path: Path, lines: int = _TAIL_LINES) -> str:
    try:
        with path.open("rb") as stream:
            stream.seek(0, 2)
            stream.seek(max(0, stream.tell() - 64 * 1024))
            text = stream.read().decode(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


class Recorder:
    """The record file of `up --record`: which processes one call started, written as they start."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.started: dict[str, PidRecord] = {}
        self._write()

    def add(self, name: str, started: PidRecord) -> None:
        self.started[name] = started
        self._write()

    def _write(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"started": {name: asdict(found) for name, found in self.started.items()}}
        self.path.write_text(json.dumps(payload, indent=2))

    @staticmethod
    def hand_over(path: Path | None, name: str, *, old: PidRecord | None, new: PidRecord | None) -> None:
        """Names `new` in the record file at `path` instead of `old` when `old` is recorded there as
        `name` (a piece replaced); with `old` None, adds `new` (an extra instance started); with
        `new` None, removes `old` (one stopped). So `down --from` stops what the recording run is
        responsible for. Nothing without a record file."""
        if path is None or not path.exists():
            return
        recorded = Recorder.load(path)
        if old is not None and recorded.get(name) != old:
            return
        if new is None:
            recorded.pop(name, None)
        else:
            recorded[name] = new
        payload = {"started": {piece: asdict(found) for piece, found in recorded.items()}}
        path.write_text(json.dumps(payload, indent=2))

    @staticmethod
    def load(path: Path) -> dict[str, PidRecord]:
        """The recorded processes; an absent file records nothing."""
        if not path.exists():
            return {}
        raw = json.loads(path.read_text())["started"]
        return {name: PidRecord(**fields) for name, fields in raw.items()}
