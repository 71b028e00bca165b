"""The Renderer port: WeasyPrint in worker processes of its own, off the event loop.

WeasyPrint's layout is pure-Python work (about 90 ms a justificante on this machine's cores), so
one thread renders at most one receipt at a time whatever the cores; ``processes`` renderers run
side by side, each built once in its process (fonts and stylesheet kept warm). With
``processes=0`` the renderer runs on one thread of this process (tests, small machines).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

from casia_receipts.adapters.pdf import ReceiptRenderer
from casia_receipts.domain.receipt import ReceiptContent

PARENT_CHECK_SECONDS = 1.0
_renderer: ReceiptRenderer | None = None
"""The renderer of a worker process (one per process, built by :func:`_start`)."""


def _start(timezone: str, parent: int | None) -> None:
    global _renderer  # noqa: PLW0603 - the one renderer of this worker process
    _renderer = ReceiptRenderer(timezone=timezone)
    if parent is not None:
        threading.Thread(target=_die_with, args=(parent,), name="parent-watch", daemon=True).start()


def _die_with(parent: int) -> None:
    """A worker whose service died (SIGKILL leaves no time to stop it) stops too, within a second:
    an orphan would hold its memory for ever."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _render(content: ReceiptContent) -> bytes:
    if _renderer is None:
        raise RuntimeError("the render worker was not started")
    return _renderer.render(content)


class PooledRenderer:
    def __init__(self, *, timezone: str, processes: int) -> None:
        self._executor: Executor
        if processes > 0:
            # spawn: a forked child would inherit the parent's event loop and Kafka sockets
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(
                max_workers=processes,
                mp_context=context,
                initializer=_start,
                initargs=(timezone, os.getpid()),
            )
        else:
            self._executor = ThreadPoolExecutor(
                max_workers=1,
                thread_name_prefix="receipt-render",
                initializer=_start,
                initargs=(timezone, None),
            )

    async def render(self, content: ReceiptContent) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self._executor, _render, content)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
