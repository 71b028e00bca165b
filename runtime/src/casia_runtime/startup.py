"""Starting a process whose dependencies may be down: it serves its health routes at once, brings
the rest up in the background as they allow, and says it is not ready until it has.

:class:`Startup` runs each step (create indexes, start the Kafka broker…) until it succeeds, with
growing pauses between failures, in order; then it starts the background loops. Neither MongoDB
nor Kafka being down when the process starts makes it exit: it reports not ready and recovers by
itself when they come back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from functools import partial
from types import TracebackType
from typing import Any

from faststream.kafka import KafkaBroker

from casia_runtime.logging import get_logger

log = get_logger(__name__)

Step = Callable[[], Awaitable[None]]
Loop = Callable[[], Coroutine[Any, Any, None]]

FIRST_PAUSE_SECONDS = 0.5
LONGEST_PAUSE_SECONDS = 10.0
STOP_WITHIN_SECONDS = 5.0


async def persistently(step: Step, *, name: str) -> None:
    """Run ``step`` until it succeeds; pauses grow from half a second to ten between failures."""
    pause = FIRST_PAUSE_SECONDS
    while True:
        try:
            await step()
            return
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning("startup.waiting", step=name, error=repr(error), retry_in_seconds=pause)
        await asyncio.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE_SECONDS)


def broker_start(broker: KafkaBroker) -> Step:
    """Start the broker (producer and consumers); a failed start is stopped before it is tried
    again, so no half-started client lingers."""

    async def start() -> None:
        try:
            await broker.start()
        except Exception:
            with contextlib.suppress(Exception):
                await broker.stop()
            raise

    return start


def name_of(work: Callable[..., object]) -> str:
    """A readable name for a step or loop (functions, methods and partials alike)."""
    named = work.func if isinstance(work, partial) else work
    return str(getattr(named, "__qualname__", repr(named)))


class Startup:
    """``async with Startup(steps=…, loops=…)``: steps in order, each until it succeeds, then the
    loops (each kept alive by :func:`supervised`); all cancelled on exit."""

    def __init__(self, *, steps: Sequence[tuple[str, Step]], loops: Sequence[Loop] = ()) -> None:
        self._steps = list(steps)
        self._loops = list(loops)
        self._tasks: list[asyncio.Task[None]] = []
        self.done = asyncio.Event()

    async def started(self) -> bool:
        """A readiness check: every step has succeeded."""
        return self.done.is_set()

    async def __aenter__(self) -> Startup:
        self._tasks.append(asyncio.create_task(self._run(), name="startup"))
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        # A cancellation can be lost inside a driver call (asyncio.wait_for in Python 3.11 may
        # swallow one that races its completion): cancel again until the loops are gone, and
        # give up waiting after STOP_WITHIN_SECONDS.
        deadline = asyncio.get_running_loop().time() + STOP_WITHIN_SECONDS
        running = [task for task in self._tasks if not task.done()]
        while running and asyncio.get_running_loop().time() < deadline:
            for task in running:
                task.cancel()
            await asyncio.wait(running, timeout=0.5)
            running = [task for task in running if not task.done()]
        for task in running:
            log.warning("shutdown.loop_still_running", loop=task.get_name())

    async def _run(self) -> None:
        for name, step in self._steps:
            await persistently(step, name=name)
        self.done.set()
        log.info("startup.done", steps=[name for name, _ in self._steps])
        for loop in self._loops:
            self._tasks.append(asyncio.create_task(supervised(loop), name=name_of(loop)))


async def supervised(loop: Loop, *, pause_seconds: float = FIRST_PAUSE_SECONDS) -> None:
    """Keep a background loop alive: log a crash and start it again after a pause that grows
    while it keeps crashing at once (a database that is down), back to short once it has run.

    Once the task is being cancelled (shutdown), nothing restarts it: an error raised while the
    loop cleans up is logged and the cancellation goes on, so a process always stops on SIGTERM,
    even with its database or broker gone.
    """
    task = asyncio.current_task()
    pause = pause_seconds
    while True:
        began = asyncio.get_running_loop().time()
        try:
            await loop()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background.crashed", loop=name_of(loop), retry_in_seconds=pause)
            if task is not None and task.cancelling():
                raise asyncio.CancelledError from None
        if asyncio.get_running_loop().time() - began > LONGEST_PAUSE_SECONDS:
            pause = pause_seconds  # it ran a while before failing: not a dependency that is down
        await asyncio.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
