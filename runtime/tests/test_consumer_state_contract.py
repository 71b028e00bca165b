"""The consumer's state ports (attempt counts, parked messages), in this process and in MongoDB,
held to one contract, so the in-process variant that broker-tier tests use cannot drift."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from casia_runtime.attempts import AttemptLog, InProcessAttemptLog, MongoAttemptLog
from casia_runtime.messages import InboundMessage
from casia_runtime.parking import InProcessParkingLot, MongoParkingLot, ParkingLot

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
HOLD = timedelta(seconds=60)


def record(offset: int, *, partition: int = 0, topic: str = "casia.test.state.v1") -> InboundMessage:
    return InboundMessage(topic=topic, partition=partition, offset=offset, key="CAS-1", value=b'{"n": 1}')


@dataclass(frozen=True)
class State:
    attempts: Callable[[], AttemptLog]
    """A log over the state's storage: a new one continues the counts of the earlier ones."""
    lot: ParkingLot


@pytest.fixture(params=["in_process", pytest.param("mongo", marks=pytest.mark.integration)])
def state(request: pytest.FixtureRequest) -> State:
    if request.param == "in_process":
        log = InProcessAttemptLog()
        return State(lambda: log, InProcessParkingLot())
    db = request.getfixturevalue("db")
    lot = MongoParkingLot(db.parked_messages, group="tests")
    return State(lambda: MongoAttemptLog(db.consumer_attempts, group="tests"), lot)


# --- attempt counts ----------------------------------------------------------------------------


async def test_each_delivery_of_a_record_counts_one_more_try(state: State) -> None:
    assert [await state.attempts().count(record(7)) for _ in range(3)] == [1, 2, 3]


async def test_the_next_offset_of_a_partition_counts_from_one(state: State) -> None:
    log = state.attempts()
    await log.count(record(7))
    await log.count(record(7))

    assert await log.count(record(8)) == 1
    assert await log.count(record(7)) == 1  # a record met again after another starts over


async def test_partitions_and_topics_are_counted_apart(state: State) -> None:
    log = state.attempts()
    await log.count(record(7))

    assert await log.count(record(7, partition=1)) == 1
    assert await log.count(record(7, topic="casia.test.other.v1")) == 1
    assert await log.count(record(7)) == 2


# --- parked messages ---------------------------------------------------------------------------


async def test_a_parked_message_is_claimed_once_due_with_its_record_intact(state: State) -> None:
    await state.lot.park(record(7), at=T0, due_at=T0 + timedelta(seconds=1), error="NotYet()")

    assert await state.lot.claim(at=T0, hold=HOLD) is None
    parked = await state.lot.claim(at=T0 + timedelta(seconds=1), hold=HOLD)

    assert parked is not None
    assert (parked.message, parked.parked_at, parked.tries, parked.failures) == (record(7), T0, 1, 0)


async def test_parking_a_record_twice_keeps_one_message_with_its_first_parking(state: State) -> None:
    await state.lot.park(record(7), at=T0, due_at=T0, error="NotYet()")
    await state.lot.park(record(7), at=T0 + timedelta(seconds=5), due_at=T0 + timedelta(seconds=5), error="x")

    parked = await state.lot.claim(at=T0 + timedelta(seconds=5), hold=HOLD)

    assert parked is not None and parked.parked_at == T0
    assert await state.lot.claim(at=T0 + timedelta(seconds=5), hold=HOLD) is None


async def test_the_message_due_first_is_claimed_first(state: State) -> None:
    await state.lot.park(record(1), at=T0, due_at=T0 + timedelta(seconds=3), error="NotYet()")
    await state.lot.park(record(2), at=T0, due_at=T0 + timedelta(seconds=1), error="NotYet()")

    first = await state.lot.claim(at=T0 + timedelta(seconds=5), hold=HOLD)
    second = await state.lot.claim(at=T0 + timedelta(seconds=5), hold=HOLD)

    assert first is not None and second is not None
    assert (first.message.offset, second.message.offset) == (2, 1)


async def test_a_claimed_message_is_not_claimed_again_until_its_claim_runs_out_which_counts_a_failure(
    state: State,
) -> None:
    await state.lot.park(record(7), at=T0, due_at=T0, error="NotYet()")
    first = await state.lot.claim(at=T0, hold=HOLD)

    assert await state.lot.claim(at=T0 + HOLD - timedelta(seconds=1), hold=HOLD) is None
    again = await state.lot.claim(at=T0 + HOLD, hold=HOLD)  # its claimer stopped without an outcome

    assert first is not None and again is not None and again.claim != first.claim
    assert (again.tries, again.failures) == (2, 1)


async def test_reparking_records_a_try_and_the_next_due_time(state: State) -> None:
    await state.lot.park(record(7), at=T0, due_at=T0, error="NotYet()")
    parked = await state.lot.claim(at=T0, hold=HOLD)
    assert parked is not None

    await state.lot.repark(parked, due_at=T0 + timedelta(seconds=4), error="NotYet()", failed=False)
    assert await state.lot.claim(at=T0 + timedelta(seconds=3), hold=HOLD) is None
    after_not_yet = await state.lot.claim(at=T0 + timedelta(seconds=4), hold=HOLD)
    assert after_not_yet is not None
    await state.lot.repark(after_not_yet, due_at=T0 + timedelta(seconds=5), error="OSError()", failed=True)
    after_failure = await state.lot.claim(at=T0 + timedelta(seconds=5), hold=HOLD)

    assert after_not_yet is not None and (after_not_yet.tries, after_not_yet.failures) == (2, 0)
    assert after_failure is not None and (after_failure.tries, after_failure.failures) == (3, 1)


async def test_a_removed_message_is_gone(state: State) -> None:
    await state.lot.park(record(7), at=T0, due_at=T0, error="NotYet()")
    parked = await state.lot.claim(at=T0, hold=HOLD)
    assert parked is not None

    await state.lot.remove(parked)

    assert await state.lot.claim(at=T0 + 2 * HOLD, hold=HOLD) is None


async def test_a_lost_claim_records_no_outcome(state: State) -> None:
    await state.lot.park(record(7), at=T0, due_at=T0, error="NotYet()")
    stale = await state.lot.claim(at=T0, hold=HOLD)
    current = await state.lot.claim(at=T0 + HOLD, hold=HOLD)
    assert stale is not None and current is not None

    await state.lot.remove(stale)
    await state.lot.repark(stale, due_at=T0, error="NotYet()", failed=True)

    assert await state.lot.claim(at=T0 + HOLD, hold=HOLD) is None  # still claimed by `current`
    await state.lot.repark(current, due_at=T0 + HOLD, error="NotYet()", failed=False)
    after = await state.lot.claim(at=T0 + HOLD, hold=HOLD)
    assert after is not None and (after.tries, after.failures) == (3, 1)
