"""Dead-letter policy and the idempotent-consumer inbox, against the real Kafka and MongoDB."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from casia_contracts.dead_letters import DeadLetter
from casia_contracts.topics import dead_letter_topic
from casia_runtime.consumer import ConsumerState, GuardedConsumer, NotYet, PoisonMessage
from casia_runtime.inbox import Inbox
from casia_runtime.kafka import KafkaPublisher
from casia_runtime.messages import InboundMessage
from casia_runtime.mongo import MongoClient, Session, in_transaction
from casia_runtime.settings import RuntimeSettings
from casia_runtime.testing import read_until
from casia_runtime.testing.memory import RecordingPublisher

pytestmark = pytest.mark.integration

SERVICE = "notifier"  # a real dead-letter topic of the stack; records are told apart by key


def record(key: str, value: bytes = b"{}") -> InboundMessage:
    return InboundMessage(topic="casia.cases.events.v1", partition=0, offset=42, key=key, value=value)


async def test_a_failing_message_is_retried_then_dead_lettered_with_its_reason(
    publisher: KafkaPublisher, settings: RuntimeSettings
) -> None:
    key = f"CAS-DLQ-{uuid.uuid4().hex[:8]}"
    guard = GuardedConsumer(service=SERVICE, dead_letters=publisher, max_attempts=3, retry_delay_seconds=0)
    calls = 0

    async def always_failing(message: InboundMessage) -> None:
        nonlocal calls
        calls += 1
        raise ConnectionError("database unreachable")

    for _ in range(2):
        with pytest.raises(ConnectionError):
            await guard.consume(record(key, b'{"x": 1}'), always_failing)
    await guard.consume(record(key, b'{"x": 1}'), always_failing)  # third: dead-lettered, acked

    assert calls == 3
    [letter] = await read_until(
        settings.kafka_bootstrap, dead_letter_topic(SERVICE), lambda r: r.key == key.encode()
    )
    parsed = DeadLetter.model_validate_json(letter.value)
    assert (parsed.attempts, parsed.error_type, parsed.payload) == (3, "ConnectionError", '{"x": 1}')
    assert parsed.error == "database unreachable"


async def test_a_poison_message_is_dead_lettered_at_once(
    publisher: KafkaPublisher, settings: RuntimeSettings
) -> None:
    key = f"CAS-POISON-{uuid.uuid4().hex[:8]}"
    guard = GuardedConsumer(service=SERVICE, dead_letters=publisher, max_attempts=5)

    async def unreadable(message: InboundMessage) -> None:
        raise PoisonMessage("not JSON")

    await guard.consume(record(key, b"\xff not json"), unreadable)

    [letter] = await read_until(
        settings.kafka_bootstrap, dead_letter_topic(SERVICE), lambda r: r.key == key.encode()
    )
    parsed = DeadLetter.model_validate_json(letter.value)
    assert (parsed.attempts, parsed.error_type, parsed.error) == (1, "PoisonMessage", "not JSON")
    assert parsed.payload.endswith(" not json")


async def test_the_inbox_remembers_applied_messages_only_when_their_transaction_commits(
    mongo: MongoClient, db: AsyncDatabase[dict[str, Any]]
) -> None:
    inbox = Inbox(db.inbox)
    at = datetime.now(UTC)

    async def apply_then_fail(session: Session) -> None:
        await inbox.record("m-1", at=at, session=session)
        raise RuntimeError("effect failed")

    with pytest.raises(RuntimeError):
        await in_transaction(mongo, apply_then_fail)

    async def seen(session: Session) -> bool:
        return await inbox.seen("m-1", session=session)

    assert not await in_transaction(mongo, seen)

    async def apply(session: Session) -> None:
        await inbox.record("m-1", at=at, session=session)

    await in_transaction(mongo, apply)
    assert await in_transaction(mongo, seen)
    with pytest.raises(DuplicateKeyError):
        await in_transaction(mongo, apply)


async def test_a_message_that_came_too_early_is_parked_and_acknowledged_not_dead_lettered(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    dead_letters = RecordingPublisher()
    state = ConsumerState.in_mongo(db, group=SERVICE)
    guard = GuardedConsumer(
        service=SERVICE, dead_letters=dead_letters, max_attempts=2, retry_delay_seconds=0, state=state
    )

    async def case_not_stored_yet(message: InboundMessage) -> None:
        raise NotYet("the case is not stored yet")

    for _ in range(2):  # a redelivery (its offset not committed yet) parks it once
        await guard.consume(record("CAS-EARLY"), case_not_stored_yet)  # returns: acknowledged

    assert dead_letters.published == []
    [parked] = await db.parked_messages.find().to_list()
    assert (parked["topic"], parked["partition"], parked["offset"]) == ("casia.cases.events.v1", 0, 42)
    assert (parked["key"], parked["value"], parked["tries"]) == ("CAS-EARLY", b"{}", 1)
