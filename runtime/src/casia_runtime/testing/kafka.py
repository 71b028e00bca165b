"""Reading a topic as an outside subscriber would (for tests that check what was published)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import TypeAlias

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

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


async def event_ids_by_subject(
    bootstrap: str, topic: str, event_type: str, subjects: Iterable[str], *, within: float = 60.0
) -> dict[str, set[str]]:
    """The CloudEvent ids of type ``event_type`` on ``topic`` for each of ``subjects`` (the case
    numbers the records are keyed by), once every subject has at least one: a subject announced
    twice under different ids shows two. A subject never announced within ``within`` is absent."""
    wanted = {subject.encode() for subject in subjects}
    records = await read_until(
        bootstrap,
        topic,
        lambda r: r.key in wanted and json.loads(r.value)["type"] == event_type,
        within=within,
        enough=lambda seen: {r.key for r in seen} >= wanted,
    )
    found: dict[str, set[str]] = {}
    for record in records:
        event = json.loads(record.value)
        found.setdefault(event["subject"], set()).add(event["id"])
    return found


def _accepted(batches: dict[object, list[Record]], found: Callable[[Record], bool]) -> list[Record]:
    return [record for records in batches.values() for record in records if found(record)]


def unique_name(prefix: str) -> str:
    """``prefix`` with a fresh suffix: a topic, service or group name of one test's own."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@asynccontextmanager
async def own_topics(bootstrap: str, partitions: dict[str, int]) -> AsyncIterator[None]:
    """Create the topics ``partitions`` names (name: partition count; the broker creates none
    by itself) and delete them on exit, the test failed or not. Names should be unique
    (:func:`unique_name`), so no test reads another's records."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, num_partitions=count, replication_factor=1) for name, count in partitions.items()]
        )
        try:
            yield
        finally:
            await admin.delete_topics(list(partitions))
    finally:
        await admin.close()
