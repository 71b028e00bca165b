"""The consumer's durable state against the real Kafka and MongoDB: attempt counts survive a
restart, and a message that came too early is parked instead of holding its partition.

Each test is a service of its own (consumer group and dead-letter topic), on topics of its own.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_contracts.dead_letters import DeadLetter
from casia_contracts.topics import dead_letter_topic
from casia_runtime.consumer import ConsumerState, GuardedConsumer, NotYet, subscribe_guarded
from casia_runtime.kafka import KafkaPublisher, make_broker
from casia_runtime.messages import InboundMessage
from casia_runtime.settings import RuntimeSettings
from casia_runtime.sweeper import Patience
from casia_runtime.testing import read_until
from casia_runtime.testing.kafka import own_topics, unique_name
from casia_runtime.testing.waiting import eventually

pytestmark = pytest.mark.integration

QUICK = Patience(
    first_pause=timedelta(milliseconds=50),
    max_pause=timedelta(milliseconds=200),
    limit=timedelta(seconds=1),
    idle_poll=timedelta(milliseconds=50),
)
"""Ten minutes of patience compressed into one second."""
PATIENT = dataclasses.replace(QUICK, limit=timedelta(minutes=5))
"""Quick retries, but patience enough for any test to get round to storing the case."""
WITHIN = 30.0


@dataclasses.dataclass(frozen=True)
class Service:
    name: str
    topic: str
    settings: RuntimeSettings

    @property
    def dead_letters(self) -> str:
        return dead_letter_topic(self.name)


@pytest.fixture
async def service(settings: RuntimeSettings) -> AsyncIterator[Service]:
    """A service of the test's own, with a one-partition topic and its dead-letter topic."""
    name, topic = unique_name("rt-patience"), unique_name("casia.test.patience")
    async with own_topics(settings.kafka_bootstrap, {topic: 1, dead_letter_topic(name): 1}):
        yield Service(name, topic, settings.model_copy(update={"service_name": name}))


def guard_over(
    db: AsyncDatabase[dict[str, Any]],
    service: Service,
    publisher: KafkaPublisher,
    *,
    patience: Patience = QUICK,
) -> GuardedConsumer:
    """The guard ``Connections.guard()`` builds, over ``db`` and with ``patience``."""
    state = dataclasses.replace(ConsumerState.in_mongo(db, group=service.name), patience=patience)
    return GuardedConsumer(
        service=service.name, dead_letters=publisher, max_attempts=3, retry_delay_seconds=0, state=state
    )


async def dead_letter(service: Service, key: str) -> DeadLetter:
    [record] = await read_until(
        service.settings.kafka_bootstrap, service.dead_letters, lambda r: r.key == key.encode()
    )
    return DeadLetter.model_validate_json(record.value)


async def test_attempt_counts_survive_a_restart_of_the_consumer(
    publisher: KafkaPublisher, db: AsyncDatabase[dict[str, Any]], service: Service
) -> None:
    broker = make_broker(service.settings)
    await broker.start()
    try:
        failing = InboundMessage(topic=service.topic, partition=0, offset=5, key="CAS-RESTART", value=b"{}")

        async def database_unreachable(message: InboundMessage) -> None:
            raise ConnectionError("database unreachable")

        before_restart = guard_over(db, service, publisher)
        for _ in range(2):
            with pytest.raises(ConnectionError):
                await before_restart.consume(failing, database_unreachable)
        after_restart = guard_over(db, service, publisher)  # a new process, the same database
        await after_restart.consume(failing, database_unreachable)  # the third try: dead-lettered, acked

        letter = await dead_letter(service, "CAS-RESTART")
    finally:
        await broker.stop()
    assert (letter.attempts, letter.error_type, letter.offset) == (3, "ConnectionError", 5)


async def test_a_message_that_came_too_early_is_parked_and_the_next_one_of_its_partition_goes_on(
    publisher: KafkaPublisher, db: AsyncDatabase[dict[str, Any]], service: Service
) -> None:
    broker = make_broker(service.settings)
    guard = guard_over(db, service, publisher, patience=PATIENT)
    case_stored, handled, second_handled, first_handled = (
        asyncio.Event(),
        [],
        asyncio.Event(),
        asyncio.Event(),
    )

    async def handle(message: InboundMessage) -> None:
        if message.value == b"first" and not case_stored.is_set():
            raise NotYet("the case is not stored yet")
        handled.append(message.value)
        (first_handled if message.value == b"first" else second_handled).set()

    subscribe_guarded(broker, service.topic, guard=guard, handler=handle, consumers=1)
    await broker.start()
    sweeping = asyncio.create_task(guard.sweep_parked())
    try:
        await broker.publish(b"first", service.topic, key=b"CAS-EARLY")
        await broker.publish(b"second", service.topic, key=b"CAS-EARLY")
        await asyncio.wait_for(second_handled.wait(), WITHIN)  # not held up behind the first

        assert handled == [b"second"]
        await eventually(lambda: _parked_with(db, tries_at_least=2))  # the sweeper tried it again, too early
        case_stored.set()
        await asyncio.wait_for(first_handled.wait(), WITHIN)
        await eventually(lambda: _parked_count(db, 0))
    finally:
        sweeping.cancel()
        await asyncio.gather(sweeping, return_exceptions=True)
        await broker.stop()
    assert handled == [b"second", b"first"]


async def test_a_parked_message_whose_patience_runs_out_is_dead_lettered(
    publisher: KafkaPublisher, db: AsyncDatabase[dict[str, Any]], service: Service
) -> None:
    broker = make_broker(service.settings)
    guard = guard_over(db, service, publisher)

    async def never_known(message: InboundMessage) -> None:
        raise NotYet("the case is not stored yet")

    subscribe_guarded(broker, service.topic, guard=guard, handler=never_known, consumers=1)
    await broker.start()
    sweeping = asyncio.create_task(guard.sweep_parked())
    try:
        await broker.publish(b'{"late": true}', service.topic, key=b"CAS-NEVER")
        letter = await dead_letter(service, "CAS-NEVER")
        await eventually(lambda: _parked_count(db, 0))
    finally:
        sweeping.cancel()
        await asyncio.gather(sweeping, return_exceptions=True)
        await broker.stop()
    assert (letter.error_type, letter.error, letter.payload) == (
        "NotYet",
        "the case is not stored yet",
        '{"late": true}',
    )
    assert letter.attempts > 2  # tried by the consumer, then again by the sweeper until patience ran out


async def _parked_with(db: AsyncDatabase[dict[str, Any]], *, tries_at_least: int) -> bool:
    return await db.parked_messages.count_documents({"tries": {"$gte": tries_at_least}}) == 1


async def _parked_count(db: AsyncDatabase[dict[str, Any]], count: int) -> bool:
    return await db.parked_messages.count_documents({}) == count
