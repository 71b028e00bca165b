"""`casia-ops partitions` against the real Kafka and MongoDB, with a topic of the test's own and a
database of its own (CASIA_MONGO_DB): growing is refused when it would not add, and while an
outbox has unpublished entries, unless forced; a quiet system grows; `show` lists the topic with
the groups reading it."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pymongo import AsyncMongoClient, MongoClient

from casia_ops.backlog import until_quiet
from casia_ops.cli import main
from casia_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.integration

BOOTSTRAP = RuntimeSettings().kafka_bootstrap
QUIET_WITHIN_SECONDS = 60.0


@pytest.fixture
async def topic() -> AsyncIterator[str]:
    """A casia topic of the test's own with two partitions."""
    name = f"casia.ops-test-{uuid.uuid4().hex[:8]}.v1"
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=2, replication_factor=1)])
        yield name
    finally:
        await admin.delete_topics([name])
        await admin.close()


async def partitions_of(topic: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
        return len(described["partitions"])
    finally:
        await admin.close()


def unpublished(database: str) -> None:
    client: MongoClient[dict[str, object]] = MongoClient(RuntimeSettings().mongo_uri)
    try:
        client[database]["workflow_outbox"].insert_one({"published_at": None})
    finally:
        client.close()


async def add(*args: str) -> int:
    return await asyncio.to_thread(main, ["partitions", "add", *args])


async def test_growing_to_no_more_partitions_than_it_has_is_refused(
    topic: str, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await add(topic, "--to", "2", "--force") == 2
    assert "has 2 partitions" in capsys.readouterr().err
    assert await partitions_of(topic) == 2


async def test_growing_is_refused_while_an_outbox_has_unpublished_entries(
    topic: str, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    unpublished(database)

    assert await add(topic, "--to", "3") == 2
    assert "workflow_outbox" in capsys.readouterr().err
    assert await partitions_of(topic) == 2


async def test_force_grows_without_waiting_for_a_quiet_system(
    topic: str, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    unpublished(database)

    assert await add(topic, "--to", "3", "--force") == 0
    assert json.loads(capsys.readouterr().out) == {"topic": topic, "before": 2, "partitions": 3}
    assert await partitions_of(topic) == 3


async def test_a_quiet_system_grows(topic: str, database: str, capsys: pytest.CaptureFixture[str]) -> None:
    mongo: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(RuntimeSettings().mongo_uri)
    try:
        left = await until_quiet(mongo[database], BOOTSTRAP, within=QUIET_WITHIN_SECONDS)
    finally:
        await mongo.close()
    assert not any(left.values()), f"the local stack is busy: {left}"

    assert await add(topic, "--to", "4") == 0
    assert json.loads(capsys.readouterr().out)["partitions"] == 4
    assert await partitions_of(topic) == 4


async def test_show_lists_a_topic_with_the_consumers_of_each_group_reading_it(
    topic: str, capsys: pytest.CaptureFixture[str]
) -> None:
    group = f"ops-test-{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all")
    await producer.start()
    await producer.send_and_wait(topic, b"{}", key=b"CAS-2026-0000001")
    await producer.stop()
    reader = AIOKafkaConsumer(
        topic, bootstrap_servers=BOOTSTRAP, group_id=group, auto_offset_reset="earliest"
    )
    await reader.start()
    try:
        while not await reader.getmany(timeout_ms=200):
            pass
        await reader.commit()
        assert await asyncio.to_thread(main, ["partitions", "show"]) == 0
    finally:
        await reader.stop()

    shown = {line["topic"]: line for line in map(json.loads, capsys.readouterr().out.splitlines())}
    assert shown[topic] == {
        "topic": topic,
        "partitions": 2,
        "groups": {group: {"consumers_now": 1, "useful_consumers": 2}},
    }
