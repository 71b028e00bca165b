"""Faults that tests inject into the running local stack, by the PID casia-local recorded.

``paused("kafka")`` stops the broker's process (SIGSTOP) for the body of a ``with`` and resumes it
(SIGCONT) whatever happens: a broker that hangs, as a real one does in a long GC pause or when
its host freezes. Only a process casia-local started, and that is still the very process its PID
file names, is ever signalled.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from casia_local.report import StackError
from casia_local.settings import Settings
from casia_local.stack import supervisor


@contextmanager
def paused(piece: str, settings: Settings | None = None) -> Iterator[int]:
    """Pause ``piece`` (e.g. "kafka") for the block; yields its PID."""
    found = supervisor(settings or Settings.from_env()).record(piece)
    if found is None or not found.is_alive():
        raise StackError(piece, "not running under casia-local: nothing to pause", "run `make up` first")
    os.kill(found.pid, signal.SIGSTOP)
    try:
        yield found.pid
    finally:
        os.kill(found.pid, signal.SIGCONT)
