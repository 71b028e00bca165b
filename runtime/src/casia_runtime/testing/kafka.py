"""Reading a topic as an outside subscriber would (for tests that check what was published)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeAlias

from aiokafka import AIOKafkaConsumer, ConsumerRecord

Record: TypeAlias = ConsumerRecord  # aiokafka ships no type information
STRAGGLER_WAIT_MS = 500


def _some(matches: list[Record]) -> bool:
    return bool(matches)


async def read_until(
    bootstrap: str,
    topic: str,
    found: Callable[[Record], bool],
    *,
    within: float = 20.0,
    enough: Callable[[list[Record]], bool] = _some,
) -> list[Record]:
    """The records of ``topic`` (read from the beginning) that ``found`` accepts.

    Reading stops once ``enough`` of them are seen (by default: one) plus a short wait for
    stragglers, so a duplicate published right after shows too; or when ``within`` runs out.
    """
    consumer: AIOKafkaConsumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    matches: list[Record] = []
    deadline = time.monotonic() + within
    try:
        while time.monotonic() < deadline and not enough(matches):
            matches += _accepted(await consumer.getmany(timeout_ms=500), found)
        if enough(matches):
            matches += _accepted(await consumer.getmany(timeout_ms=STRAGGLER_WAIT_MS), found)
    finally:
        await consumer.stop()
    return matches


def _accepted(batches: dict[object, list[Record]], found: Callable[[Record], bool]) -> list[Record]:
    return [record for records in batches.values() for record in records if found(record)]
