"""`casia-ops dlq` against the real Kafka and a real consumer: a malformed message injected into
the documents service's topic is dead-lettered with its reason; the operator lists it, replays it
(the consumer fails it again: a second letter), and purges the topic."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from casia_contracts import topics
from casia_ops import dead_letters as dlq
from casia_ops.cli import main
from casia_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.e2e

BOOTSTRAP = RuntimeSettings().kafka_bootstrap
DOCUMENTS_DLQ = topics.dead_letter_topic("documents")


async def poison(key: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topics.DOCUMENT_COMMANDS, b"{not json at all", key=key.encode())
    finally:
        await producer.stop()


async def letters_for(key: str, *, count: int, within: float = 60.0) -> list[dlq.Letter]:
    deadline = time.monotonic() + within
    while True:
        found = [f for f in await dlq.letters(BOOTSTRAP, DOCUMENTS_DLQ) if f.letter.key == key]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.5)


async def test_a_poisoned_message_is_listed_with_its_reason_and_replayed_to_where_it_failed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = f"CAS-2026-{uuid.uuid4().int % 10**7:07d}"
    await poison(key)
    [letter] = await letters_for(key, count=1)
    assert (letter.letter.topic, letter.letter.consumer_group) == (topics.DOCUMENT_COMMANDS, "documents")
    assert letter.letter.error_type == "PoisonMessage" and letter.letter.payload == "{not json at all"

    assert await asyncio.to_thread(main, ["dlq", "show", "documents"]) == 0
    shown = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert any(s["at"] == letter.place and s["key"] == key for s in shown)

    assert await asyncio.to_thread(main, ["dlq", "replay", "documents", "--at", letter.place]) == 0
    again = await letters_for(key, count=2)
    assert (
        len(again) == 2 and again[1].letter.offset != letter.letter.offset
    )  # failed again, from its new place


async def test_purge_deletes_what_was_listed_and_keeps_what_came_after() -> None:
    topic = f"casia.dlq.ops-test-{uuid.uuid4().hex[:8]}.v1"
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all")
    await producer.start()
    try:
        letter = {
            "consumer_group": "ops-test",
            "topic": "t",
            "partition": 0,
            "offset": 1,
            "payload": "x",
            "error_type": "E",
            "error": "e",
            "attempts": 1,
            "failed_at": "2026-12-01T00:00:00Z",
        }
        for _ in range(3):
            await producer.send_and_wait(topic, json.dumps(letter).encode())
        assert len(await dlq.letters(BOOTSTRAP, topic)) == 3
        assert await asyncio.to_thread(main, ["dlq", "purge", "ops-test", "--topic", topic, "--all"]) == 0
        await producer.send_and_wait(topic, json.dumps(letter).encode())
        remaining = await dlq.letters(BOOTSTRAP, topic)
        assert [r.offset for r in remaining] == [3]
    finally:
        await producer.stop()
        await admin.delete_topics([topic])
        await admin.close()
