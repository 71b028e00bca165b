"""Background loops: restarted after a crash, never after a shutdown."""

from __future__ import annotations

import asyncio

from casia_runtime.startup import supervised


async def test_a_crashed_loop_is_started_again() -> None:
    runs = 0

    async def flaky() -> None:
        nonlocal runs
        runs += 1
        if runs < 3:
            raise ConnectionError("database unreachable")

    await asyncio.wait_for(supervised(flaky, pause_seconds=0), timeout=5)

    assert runs == 3


async def test_a_loop_whose_cleanup_fails_still_stops_when_cancelled() -> None:
    started = asyncio.Event()

    async def relay_like() -> None:
        try:
            started.set()
            await asyncio.Event().wait()
        finally:
            raise ConnectionError("cannot release the lease: database gone")

    task = asyncio.create_task(supervised(relay_like, pause_seconds=0))
    await started.wait()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=5)

    assert task in done
    assert task.cancelled()
