"""The benchmarks' HTTP clients: many clients of one connection each, rather than one pool.

httpx's pool (httpcore 1.0) looks at every connection it holds on each request: with 64
connections in one pool the client spent ~6 ms of CPU per request (``/healthz``, 64 at once:
140/s), more than some of the services it measures, on the same two cores. Sixty-four clients of
one connection each spent 1.3 ms per request (700/s). A client on another machine would take
none of the stack's CPU; here, the less it takes, the less it skews what is measured.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TypeVar

import httpx

T = TypeVar("T")


@asynccontextmanager
async def clients_of(base_url: str, count: int) -> AsyncIterator[list[httpx.AsyncClient]]:
    """``count`` clients of ``base_url``, one connection each (a minute to answer), closed on
    the way out."""
    one_connection = httpx.Limits(max_connections=1)
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=base_url, timeout=60.0, limits=one_connection)
            )
            for _ in range(count)
        ]


async def each_in_turn(
    clients: Sequence[httpx.AsyncClient],
    work: Iterable[T],
    call: Callable[[httpx.AsyncClient, T], Awaitable[None]],
) -> None:
    """``call`` each item of ``work`` on the first client free: all the clients at once, each
    one call at a time."""
    items = iter(work)

    async def worker(client: httpx.AsyncClient) -> None:
        for item in items:  # one iterator for all: each item is taken once
            await call(client, item)

    await asyncio.gather(*(worker(client) for client in clients))
