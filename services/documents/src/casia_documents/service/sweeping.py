"""Quarantine objects that nobody claimed are removed once they are old enough.

An upload waits in quarantine until the documents service decides it and removes it. What is
left there was never claimed: its request was refused after the upload, the gateway died before
sending its command, or an Idempotency-Key repeat uploaded the files again. After ``max_age``
(far longer than any command takes to arrive) it is deleted. A command that still arrives later
finds no upload and its document is rejected as ``missing_upload``, shown and e-mailed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from casia_documents.service.ports import ObjectStore
from casia_runtime.clock import Clock
from casia_runtime.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class QuarantineSweeper:
    objects: ObjectStore
    bucket: str
    max_age: timedelta
    every: timedelta
    clock: Clock
    prefix: str = ""
    """Only keys under this prefix (all of them by default)."""

    async def sweep(self) -> int:
        """Remove the objects older than ``max_age``; returns how many."""
        stale = await self.objects.keys_older_than(
            self.bucket, self.clock() - self.max_age, prefix=self.prefix
        )
        for key in stale:
            await self.objects.remove(self.bucket, key)
        if stale:
            log.info("quarantine.swept", removed=len(stale))
        return len(stale)

    async def run(self) -> None:
        """Sweep every ``every`` until cancelled; a failed sweep is logged and tried again."""
        while True:
            try:
                await self.sweep()
            except Exception:  # a store that is down now may be up at the next sweep
                log.exception("quarantine.sweep_failed")
            await asyncio.sleep(self.every.total_seconds())
