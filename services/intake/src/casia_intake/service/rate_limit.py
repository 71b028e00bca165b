"""How often one client may do something: a moving window of its recent hits."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class MovingWindowLimit:
    """At most ``limit`` hits per key in any span of ``window_seconds`` (a moving window: each
    admitted hit is remembered until it is a window old, so there is no burst at a fixed
    boundary as with a counter reset every minute). A refused hit is not counted: a client that
    waits the time :meth:`admit` gives gets in.

    Per gateway instance, in process memory: each instance counts the clients it serves, so
    behind a balancer spreading one client over N instances the client gets up to N × ``limit``,
    and a restart forgets the counts. The key is what the caller passes (the routes use the
    client's address as the server sees it; behind a proxy that is the proxy's, unless the server
    is told to trust its forwarding headers).

    Memory: at most ``limit`` times per key, and keys idle for a whole window are forgotten
    (swept at most once a window), so it holds the keys seen in about the last two windows.
    Not thread-safe; one event loop calls it, and :meth:`admit` never awaits.
    """

    def __init__(
        self, *, limit: int, window_seconds: float, now: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("a limit needs at least one hit per a positive window")
        self.limit = limit
        self.window_seconds = window_seconds
        self._now = now
        self._hits: dict[str, deque[float]] = {}
        self._swept = now()

    def admit(self, key: str) -> float | None:
        """Admit one hit of ``key``: None when admitted (and counted); otherwise nothing is
        counted and the answer is the seconds until ``key`` may hit again (more than 0)."""
        now = self._now()
        self._sweep(now)
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window_seconds:
            hits.popleft()
        if len(hits) >= self.limit:
            return hits[0] + self.window_seconds - now
        hits.append(now)
        return None

    def _sweep(self, now: float) -> None:
        if now - self._swept < self.window_seconds:
            return
        self._swept = now
        idle = [key for key, hits in self._hits.items() if not hits or hits[-1] <= now - self.window_seconds]
        for key in idle:
            del self._hits[key]

    @property
    def keys_held(self) -> int:
        """How many keys are remembered now (for tests and metrics)."""
        return len(self._hits)
