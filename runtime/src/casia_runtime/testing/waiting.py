"""Waiting in tests for a condition that lives elsewhere (MongoDB, the broker, another process),
where there is nothing local to await."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def eventually(
    check: Callable[[], Awaitable[bool]], *, within: float = 15.0, every: float = 0.05
) -> None:
    """Return once ``check()`` is true, asking every ``every`` seconds; TimeoutError after
    ``within`` seconds. ``check`` may act as well as look (a relay's attempt to take a lease)."""
    async with asyncio.timeout(within):
        while not await check():  # noqa: ASYNC110 - the condition is not in this process
            await asyncio.sleep(every)
