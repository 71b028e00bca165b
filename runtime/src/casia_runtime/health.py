"""Liveness and readiness: every process answers ``/healthz``, ``/readyz`` and ``/metrics``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

Check = Callable[[], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class ReadinessReport:
    ready: bool
    checks: dict[str, bool]

    def as_json(self) -> dict[str, object]:
        return {"status": "ready" if self.ready else "not_ready", "checks": self.checks}


class Readiness:
    """Named dependency checks (Kafka, MongoDB, S3…), run concurrently with a time limit."""

    def __init__(self, checks: Mapping[str, Check], *, timeout_seconds: float = 3.0) -> None:
        self._checks = dict(checks)
        self._timeout = timeout_seconds

    def with_check(self, name: str, check: Check) -> Readiness:
        """The same checks and one more."""
        return Readiness({**self._checks, name: check}, timeout_seconds=self._timeout)

    async def report(self) -> ReadinessReport:
        names = list(self._checks)
        results = await asyncio.gather(*(self._run(self._checks[name]) for name in names))
        checks = dict(zip(names, results, strict=True))
        return ReadinessReport(ready=all(results), checks=checks)

    async def _run(self, check: Check) -> bool:
        try:
            return await asyncio.wait_for(check(), timeout=self._timeout)
        except Exception:  # a failing or hanging check means "not ready"
            return False
