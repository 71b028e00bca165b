"""Faults that tests inject into the running local stack, by the PID casia-local recorded.

``paused("kafka")`` stops the broker's process (SIGSTOP) for the body of a ``with`` and resumes it
(SIGCONT) whatever happens: a broker that hangs, as a real one does in a long GC pause or when
its host freezes. ``killed("workflow")`` crashes a piece (SIGKILL to its process group) and
starts it again; ``restarted("mongo")`` stops one cleanly (SIGTERM) and starts it again;
``stopped("smtp")`` keeps one down for the body of a ``with``. Only a process casia-local started,
and that is still the very process its PID file names, is ever signalled.

A piece started again replaces the old process in the record file of ``up --record`` (named by
``CASIA_LOCAL_RECORD``) when the old one was recorded there, so ``down --from`` still stops
exactly what the recording run is responsible for.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

from casia_local.piece import Piece
from casia_local.process import PidRecord, Supervisor
from casia_local.report import StackError
from casia_local.settings import Settings
from casia_local.stack import Recorder, await_ready, every_piece, recorded_run, supervisor

_GONE_WITHIN_SECONDS = 10.0


@contextmanager
def paused(piece: str, settings: Settings | None = None) -> Iterator[int]:
    """Pause ``piece`` (e.g. "kafka") for the block; yields its PID."""
    found = _running(supervisor(settings or Settings.from_env()), piece)
    os.kill(found.pid, signal.SIGSTOP)
    try:
        yield found.pid
    finally:
        os.kill(found.pid, signal.SIGCONT)


def killed(piece: str, settings: Settings | None = None) -> int:
    """Crash ``piece`` (SIGKILL to its process group), then start it again and wait until it is
    ready; returns the new PID."""
    settings = settings or Settings.from_env()
    sup = supervisor(settings)
    found = _running(sup, piece)
    os.killpg(found.pid, signal.SIGKILL)
    if not _gone(found):
        raise StackError(piece, f"PID {found.pid} outlived SIGKILL for {_GONE_WITHIN_SECONDS:.0f} s")
    sup.forget(piece)
    return _start_again(settings, piece, replacing=found)


def restarted(piece: str, settings: Settings | None = None) -> int:
    """Stop ``piece`` cleanly (SIGTERM, as an operator's restart does), start it again and wait
    until it is ready; returns the new PID."""
    settings = settings or Settings.from_env()
    sup = supervisor(settings)
    found = _running(sup, piece)
    sup.stop(piece)
    return _start_again(settings, piece, replacing=found)


@contextmanager
def stopped(piece: str, settings: Settings | None = None) -> Iterator[None]:
    """Keep ``piece`` stopped (SIGTERM) for the block, then start it again, whatever happens."""
    settings = settings or Settings.from_env()
    sup = supervisor(settings)
    found = _running(sup, piece)
    sup.stop(piece)
    try:
        yield
    finally:
        _start_again(settings, piece, replacing=found)


def _running(sup: Supervisor, piece: str) -> PidRecord:
    found = sup.record(piece)
    if found is None or not found.is_alive():
        raise StackError(
            piece, "not running under casia-local: nothing to inject a fault into", "run `make up`"
        )
    return found


def _gone(found: PidRecord) -> bool:
    deadline = time.monotonic() + _GONE_WITHIN_SECONDS
    while found.is_alive():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _start_again(settings: Settings, name: str, *, replacing: PidRecord) -> int:
    piece = _piece(settings, name)
    sup = supervisor(settings)
    started = sup.start(piece.launch())
    _hand_over(name, old=replacing, new=started)
    await_ready(sup, [piece], timeout=settings.ready_timeout)
    piece.initialise()
    return started.pid


def _piece(settings: Settings, name: str) -> Piece:
    for piece in every_piece(settings):
        if piece.name == name:
            return piece
    raise StackError(name, "no such piece")


def _hand_over(name: str, *, old: PidRecord, new: PidRecord) -> None:
    """Name ``new`` in the record file instead of ``old`` when ``old`` was recorded there."""
    Recorder.hand_over(recorded_run(), name, old=old, new=new)
