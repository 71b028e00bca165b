"""A consumer group's dead-letter topic, as an operator works it: read what is there and why,
send chosen messages back to the topic they came from (the consumer tries them again: a message
it never applied is applied once, by its id), and purge what has been dealt with.

Purging deletes records below an offset (Kafka's DeleteRecords): nothing else is touched, and
what arrived after the listing is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete

from casia_contracts.dead_letters import DeadLetter
from casia_contracts.envelope import CLOUDEVENTS_CONTENT_TYPE

READ_TIMEOUT_MS = 1000


@dataclass(frozen=True)
class Letter:
    """One record of a dead-letter topic: where it sits there, and the dead letter it holds."""

    partition: int
    offset: int
    letter: DeadLetter

    @property
    def place(self) -> str:
        return f"{self.partition}:{self.offset}"


async def letters(bootstrap: str, topic: str) -> list[Letter]:
    """Every record the dead-letter ``topic`` holds now, oldest first per partition."""
    partitions = [TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic)]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[Letter] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            batches = await consumer.getmany(timeout_ms=READ_TIMEOUT_MS)
            for tp, records in batches.items():
                found += [
                    Letter(tp.partition, r.offset, DeadLetter.model_validate_json(r.value))
                    for r in records
                    if r.offset < ends[tp]
                ]
        return sorted(found, key=lambda f: (f.partition, f.offset))
    finally:
        await consumer.stop()


async def partitions_of(bootstrap: str, topic: str) -> list[int]:
    """The partition numbers of ``topic``, as the cluster describes it now."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
        return sorted(p["partition"] for p in described["partitions"])
    finally:
        await admin.close()


async def replay(bootstrap: str, chosen: Sequence[Letter]) -> int:
    """Publish each chosen letter's original message to its original topic with its key
    (``acks=all``); returns how many. The letters stay in the dead-letter topic until purged."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for item in chosen:
            letter = item.letter
            await producer.send_and_wait(
                letter.topic,
                letter.payload.encode(),
                key=letter.key.encode() if letter.key is not None else None,
                headers=[("content-type", CLOUDEVENTS_CONTENT_TYPE.encode())],
            )
    finally:
        await producer.stop()
    return len(chosen)


async def purge(bootstrap: str, topic: str, *, below: dict[int, int]) -> None:
    """Delete the records of ``topic`` below ``below[partition]`` in each partition named."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_records(
            {TopicPartition(topic, p): RecordsToDelete(before_offset=o) for p, o in below.items()}
        )
    finally:
        await admin.close()


def below_all(found: Sequence[Letter]) -> dict[int, int]:
    """For :func:`purge`: everything listed (the next offset after the last of each partition)."""
    ends: dict[int, int] = {}
    for item in found:
        ends[item.partition] = max(ends.get(item.partition, 0), item.offset + 1)
    return ends
