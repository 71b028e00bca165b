"""Test support shipped with the runtime: read a topic as an outside subscriber would."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord


async def read_until(
    bootstrap: str, topic: str, found: Callable[[ConsumerRecord[bytes, bytes]], bool], *, within: float = 20.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of ``topic`` (from the beginning) that ``found`` accepts, once one is seen."""
    consumer: AIOKafkaConsumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    matches: list[ConsumerRecord[bytes, bytes]] = []
    deadline = time.monotonic() + within
    try:
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            matches += [r for records in batches.values() for r in records if found(r)]
            if matches:
                await asyncio.sleep(0.3)  # collect stragglers (duplicates would show here)
                batches = await consumer.getmany(timeout_ms=300)
                matches += [r for records in batches.values() for r in records if found(r)]
                return matches
    finally:
        await consumer.stop()
    return matches
