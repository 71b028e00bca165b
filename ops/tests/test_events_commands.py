"""`casia-ops events` against the real Kafka, with a topic and a consumer group of the test's own.

The group has read and committed all six records (three per partition, stamped at known times).
Rewinding it by time or by offset makes a consumer of the group read again exactly the records
from that place; a group with a running consumer is refused; a dry run commits nothing; `show`
lists the records from a time.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from casia_ops.cli import main
from casia_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.integration

BOOTSTRAP = RuntimeSettings().kafka_bootstrap
STAMPS = {0: (0, 1000, 2000), 1: (500, 1500, 2500)}
"""Per partition, the records' timestamps in milliseconds after the subscription's start."""

Place = tuple[int, int]


@dataclass(frozen=True)
class Subscription:
    topic: str
    group: str
    started_ms: int

    def time(self, after_ms: int) -> str:
        return datetime.fromtimestamp((self.started_ms + after_ms) / 1000, UTC).isoformat()


def event(topic: str, partition: int, index: int) -> bytes:
    case_number = f"CAS-2026-{partition:07d}"
    return json.dumps(
        {"specversion": "1.0", "id": f"{topic}/{partition}/{index}", "type": "es.casia.case.opened"}
        | {"source": "/casia/workflow", "subject": case_number, "time": "2026-12-01T00:00:00Z"}
    ).encode()


async def read(subscription: Subscription) -> list[Place]:
    """What a consumer of the group reads from its committed offsets to the end; commits it."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=BOOTSTRAP,
        group_id=subscription.group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    partitions = [TopicPartition(subscription.topic, p) for p in STAMPS]
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[Place] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for tp, records in (await consumer.getmany(timeout_ms=1000)).items():
                found += [(tp.partition, r.offset) for r in records]
        await consumer.commit()
        return sorted(found)
    finally:
        await consumer.stop()


async def committed(subscription: Subscription) -> dict[int, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(subscription.group)
        return {tp.partition: meta.offset for tp, meta in offsets.items()}
    finally:
        await admin.close()


@pytest.fixture
async def subscription() -> AsyncIterator[Subscription]:
    """Six records on a two-partition topic, all read and committed by the test's group."""
    name = uuid.uuid4().hex[:8]
    made = Subscription(f"casia.ops-test-{name}.v1", f"ops-test-{name}", int(time.time() * 1000) - 60_000)
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    await admin.create_topics([NewTopic(made.topic, num_partitions=len(STAMPS), replication_factor=1)])
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all")
    await producer.start()
    try:
        for partition, stamps in STAMPS.items():
            for index, after_ms in enumerate(stamps):
                await producer.send_and_wait(
                    made.topic,
                    event(made.topic, partition, index),
                    key=f"CAS-2026-{partition:07d}".encode(),
                    partition=partition,
                    timestamp_ms=made.started_ms + after_ms,
                )
        assert len(await read(made)) == 6
        yield made
    finally:
        await producer.stop()
        await admin.delete_topics([made.topic])
        await admin.close()


@dataclass(frozen=True)
class Outcome:
    status: int
    shown: dict[str, Any]
    refusal: str


async def rewind(capsys: pytest.CaptureFixture[str], *args: str) -> Outcome:
    status = await asyncio.to_thread(main, ["events", "rewind", *args])
    out, err = capsys.readouterr()
    return Outcome(status, json.loads(out) if out else {}, err)


def moves(outcome: Outcome) -> list[tuple[int, int, int, int]]:
    return [(p["partition"], p["committed"], p["offset"], p["rereads"]) for p in outcome.shown["partitions"]]


async def test_rewinding_by_time_rereads_from_the_first_record_at_or_after_it(
    subscription: Subscription, capsys: pytest.CaptureFixture[str]
) -> None:
    at = subscription.time(1200)
    outcome = await rewind(capsys, subscription.group, "--topic", subscription.topic, "--to-time", at)

    assert outcome.status == 0
    assert moves(outcome) == [(0, 3, 2, 1), (1, 3, 1, 2)]
    assert await read(subscription) == [(0, 2), (1, 1), (1, 2)]


async def test_rewinding_to_an_offset_rereads_from_it_on_every_partition(
    subscription: Subscription, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = await rewind(capsys, subscription.group, "--topic", subscription.topic, "--to-offset", "1")

    assert outcome.status == 0
    assert moves(outcome) == [(0, 3, 1, 2), (1, 3, 1, 2)]
    assert await read(subscription) == [(0, 1), (0, 2), (1, 1), (1, 2)]


async def test_an_offset_past_the_end_stops_at_the_end_and_rereads_nothing(
    subscription: Subscription, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = await rewind(capsys, subscription.group, "--topic", subscription.topic, "--to-offset", "99")

    assert outcome.status == 0
    assert moves(outcome) == [(0, 3, 3, 0), (1, 3, 3, 0)]
    assert await read(subscription) == []


async def test_a_group_with_a_running_consumer_is_refused_and_keeps_its_offsets(
    subscription: Subscription, capsys: pytest.CaptureFixture[str]
) -> None:
    running = AIOKafkaConsumer(subscription.topic, bootstrap_servers=BOOTSTRAP, group_id=subscription.group)
    await running.start()
    try:
        while not running.assignment():
            await running.getmany(timeout_ms=200)
        outcome = await rewind(capsys, subscription.group, "--topic", subscription.topic, "--to-earliest")
    finally:
        await running.stop()

    assert (outcome.status, outcome.shown) == (2, {})
    assert "running consumer" in outcome.refusal
    assert await committed(subscription) == {0: 3, 1: 3}


async def test_a_dry_run_prints_the_moves_and_commits_nothing(
    subscription: Subscription, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = await rewind(
        capsys, subscription.group, "--topic", subscription.topic, "--to-earliest", "--dry-run"
    )

    assert outcome.status == 0
    assert (outcome.shown["committed"], outcome.shown["rereads"]) == (False, 6)
    assert moves(outcome) == [(0, 3, 0, 3), (1, 3, 0, 3)]
    assert await committed(subscription) == {0: 3, 1: 3}


async def test_show_lists_the_events_from_a_time_in_time_order(
    subscription: Subscription, capsys: pytest.CaptureFixture[str]
) -> None:
    at = subscription.time(1200)
    status = await asyncio.to_thread(
        main, ["events", "show", "--topic", subscription.topic, "--from-time", at, "--limit", "2"]
    )

    shown = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 0
    assert [(s["partition"], s["offset"]) for s in shown] == [(1, 1), (0, 2)]
    assert shown[0]["id"] == f"{subscription.topic}/1/1"
    assert (shown[0]["type"], shown[0]["subject"], shown[0]["key"]) == (
        "es.casia.case.opened",
        "CAS-2026-0000001",
        "CAS-2026-0000001",
    )
