"""What the system still has to do: outbox entries not yet published and records each consumer
group has not yet read. All zero when it is quiet (after a load, a restore, a replay)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from casia_contracts.topics import SERVICES
from casia_runtime.backlog import LagReader, outbox_backlog

CONSUMER_GROUPS: tuple[str, ...] = tuple(s for s in SERVICES if s != "intake")
"""The services that consume topics (the gateway consumes none)."""

OUTBOX_SUFFIX = "_outbox"


async def backlog(
    db: AsyncDatabase[dict[str, Any]], bootstrap: str, *, groups: Sequence[str] = CONSUMER_GROUPS
) -> dict[str, int]:
    """Unpublished entries per outbox collection (``<service>_outbox``) and unread records per
    consumer group (``lag:<group>``: end offsets minus committed offsets, over the partitions the
    group has committed)."""
    left: dict[str, int] = {}
    for name in sorted(await db.list_collection_names()):
        if name.endswith(OUTBOX_SUFFIX):
            left[name], _ = await outbox_backlog(db[name])
    async with LagReader(bootstrap) as reader:
        for group in groups:
            left[f"lag:{group}"] = sum((await reader.lag(group)).values())
    return left


async def until_quiet(
    db: AsyncDatabase[dict[str, Any]], bootstrap: str, *, within: float, poll: float = 1.0
) -> dict[str, int]:
    """The backlog once it is all zero, or as it stands when ``within`` seconds have passed."""
    deadline = time.monotonic() + within
    while True:
        left = await backlog(db, bootstrap)
        if not any(left.values()) or time.monotonic() > deadline:
            return left
        await asyncio.sleep(poll)
