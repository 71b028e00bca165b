"""The automatic-closure timer: a periodic sweep, durable because the deadline is stored."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from casia_workflow.service.handling import Workflow


def closure_sweeper(workflow: Workflow, *, every_seconds: float) -> Callable[[], Coroutine[Any, Any, None]]:
    async def sweep_forever() -> None:
        while True:
            await workflow.close_due_cases()
            await asyncio.sleep(every_seconds)

    return sweep_forever
