"""The guard and its sweeper with the consumer state kept in this process: what becomes of a
parked message (handled, parked again, dead-lettered) and of a record that keeps coming back.

The same policy runs over MongoDB and Kafka in test_consumer_patience.py; the state's two
variants are held to one contract in test_consumer_state_contract.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from casia_runtime.attempts import InProcessAttemptLog
from casia_runtime.consumer import ConsumerState, GuardedConsumer, NotYet, PoisonMessage
from casia_runtime.messages import InboundMessage
from casia_runtime.parking import InProcessParkingLot
from casia_runtime.sweeper import Patience
from casia_runtime.testing.memory import RecordingPublisher

TOPIC = "casia.test.documents.v1"
AT_ONCE = Patience(first_pause=timedelta(0), max_pause=timedelta(0))
"""Every parked message due again at once."""


def record(offset: int = 0, *, topic: str = TOPIC) -> InboundMessage:
    return InboundMessage(topic=topic, partition=0, offset=offset, key="CAS-1", value=b'{"n": 1}')


def guard_with(
    patience: Patience = AT_ONCE, *, max_attempts: int = 3
) -> tuple[GuardedConsumer, RecordingPublisher]:
    dead_letters = RecordingPublisher()
    state = ConsumerState(InProcessAttemptLog(), InProcessParkingLot(), patience)
    guard = GuardedConsumer(
        service="tests",
        dead_letters=dead_letters,
        max_attempts=max_attempts,
        retry_delay_seconds=0,
        state=state,
    )
    return guard, dead_letters


async def not_yet(message: InboundMessage) -> None:
    raise NotYet("the case is not stored yet")


def letters(published: RecordingPublisher) -> list[tuple[str, int]]:
    return [(json.loads(m.value)["error_type"], json.loads(m.value)["attempts"]) for m in published.published]


async def test_a_parked_message_is_handed_to_its_topics_handler_and_forgotten_once_handled() -> None:
    guard, dead_letters = guard_with()
    seen: list[tuple[str, InboundMessage]] = []

    async def documents(message: InboundMessage) -> None:
        seen.append(("documents", message))

    async def commands(message: InboundMessage) -> None:
        seen.append(("commands", message))

    guard.register(TOPIC, documents)
    guard.register("casia.test.commands.v1", commands)
    await guard.consume(record(4), not_yet)

    assert await guard.sweeper().sweep_once()

    assert seen == [("documents", record(4))]
    assert not await guard.sweeper().sweep_once()  # nothing left
    assert dead_letters.published == []


async def test_a_message_still_too_early_is_parked_again_until_its_patience_runs_out() -> None:
    guard, dead_letters = guard_with(
        Patience(first_pause=timedelta(0), max_pause=timedelta(0), limit=timedelta(0))
    )
    guard.register(TOPIC, not_yet)
    await guard.consume(record(), not_yet)

    assert await guard.sweeper().sweep_once()

    assert letters(dead_letters) == [("NotYet", 2)]
    assert not await guard.sweeper().sweep_once()


def test_the_pauses_double_up_to_the_longest() -> None:
    pauses = [Patience().pause(tries).total_seconds() for tries in range(1, 9)]

    assert pauses == [1, 2, 4, 8, 16, 32, 60, 60]


async def test_a_parked_message_that_fails_otherwise_is_dead_lettered_after_max_attempts() -> None:
    guard, dead_letters = guard_with(max_attempts=2)
    failures = 0

    async def database_gone(message: InboundMessage) -> None:
        nonlocal failures
        failures += 1
        raise ConnectionError("database unreachable")

    guard.register(TOPIC, database_gone)
    await guard.consume(record(), not_yet)

    while await guard.sweeper().sweep_once():
        pass

    assert failures == 2
    assert letters(dead_letters) == [("ConnectionError", 3)]  # one NotYet, then two failures


async def test_a_parked_message_found_unreadable_is_dead_lettered_at_once() -> None:
    guard, dead_letters = guard_with()

    async def unreadable(message: InboundMessage) -> None:
        raise PoisonMessage("unknown type")

    guard.register(TOPIC, unreadable)
    await guard.consume(record(), not_yet)

    assert await guard.sweeper().sweep_once()

    assert letters(dead_letters) == [("PoisonMessage", 2)]


async def test_a_parked_message_whose_tries_keep_stopping_the_sweeper_is_dead_lettered_untried() -> None:
    """A claim that runs out without an outcome is what a sweeper process killed mid-try leaves."""
    state = ConsumerState(InProcessAttemptLog(), InProcessParkingLot(), AT_ONCE)
    dead_letters = RecordingPublisher()
    guard = GuardedConsumer(service="tests", dead_letters=dead_letters, max_attempts=2, state=state)
    tried: list[InboundMessage] = []

    async def handle(message: InboundMessage) -> None:
        tried.append(message)

    guard.register(TOPIC, handle)
    past = datetime.now(UTC) - timedelta(hours=1)
    await state.parked.park(record(), at=past, due_at=past, error="NotYet()")
    for minutes in range(2):  # two sweepers claimed it for a minute each and died
        assert await state.parked.claim(at=past + timedelta(minutes=minutes), hold=timedelta(minutes=1))

    assert await guard.sweeper().sweep_once()

    assert tried == []
    assert letters(dead_letters) == [("AttemptsExhausted", 3)]


async def test_a_record_delivered_more_than_max_attempts_times_is_dead_lettered_without_a_try() -> None:
    guard, dead_letters = guard_with(max_attempts=2)
    tries = 0

    async def crashing(message: InboundMessage) -> None:
        nonlocal tries
        tries += 1
        raise SystemExit  # stands for a process that died: nothing caught, nothing recorded

    for _ in range(2):
        with pytest.raises(SystemExit):
            await guard.consume(record(), crashing)
    await guard.consume(record(), crashing)

    assert tries == 2
    assert letters(dead_letters) == [("AttemptsExhausted", 2)]


def test_a_topic_is_consumed_with_one_handler_only() -> None:
    guard, _ = guard_with()
    guard.register(TOPIC, not_yet)
    guard.register(TOPIC, not_yet)  # the same one again is fine

    async def other(message: InboundMessage) -> None:
        return None

    with pytest.raises(ValueError, match=TOPIC):
        guard.register(TOPIC, other)
