"""Opening a case over the fakes: numbers, idempotency keys and what is sent to Kafka."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from casia_intake.service.opening import CaseOpening, IdempotencyConflict, stable_command_id
from casia_intake.service.ports import BrokerUnavailable, IdempotencyRecord, IdempotencyScope

from ..builders import T0, draft, new_scope, open_command
from ..fakes import InMemoryCaseNumbers, InMemoryIdempotencyKeys, RecordingCommandSender


@dataclass(frozen=True)
class Harness:
    opening: CaseOpening
    keys: InMemoryIdempotencyKeys
    sender: RecordingCommandSender

    async def open(self, scope: IdempotencyScope | None, *, title: str = "Duda sobre contacto") -> str:
        opening = await self.opening.open(
            draft(title=title), at=T0, correlation_id="req-1", idempotency=scope
        )
        return opening.case_number

    def sent_ids(self) -> list[tuple[str, str]]:
        """(case number, command id) of every acknowledged send, in order."""
        return [(s.command.case_number, s.command_id) for s in self.sender.sent]


@pytest.fixture
def harness() -> Harness:
    keys, sender = InMemoryIdempotencyKeys(), RecordingCommandSender()
    opening = CaseOpening(numbers=InMemoryCaseNumbers(), keys=keys, sender=sender)
    return Harness(opening, keys, sender)


def open_id(case_number: str) -> str:
    return stable_command_id("open", case_number)


async def test_without_a_key_each_open_allocates_a_new_number_and_sends_it_once(harness: Harness) -> None:
    first = await harness.open(None)
    second = await harness.open(None)

    assert (first, second) == ("CAS-2026-0000001", "CAS-2026-0000002")
    assert harness.sent_ids() == [(first, open_id(first)), (second, open_id(second))]


async def test_the_command_sent_is_the_draft_for_the_allocated_number(harness: Harness) -> None:
    opening = await harness.opening.open(draft(), at=T0, correlation_id="req-42", idempotency=None)

    number = opening.case_number
    assert opening.confirmed
    [sent] = harness.sender.sent
    assert sent.command == open_command(number)
    assert (sent.correlation_id, sent.at) == ("req-42", T0)


async def test_a_case_opened_in_the_first_hour_of_the_year_in_madrid_takes_the_new_years_number(
    harness: Harness,
) -> None:
    new_year_in_madrid = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January in Madrid

    opening = await harness.opening.open(draft(), at=new_year_in_madrid, correlation_id="r", idempotency=None)

    assert opening.case_number == "CAS-2027-0000001"


def test_the_command_id_is_stable_per_case_number_and_differs_between_numbers() -> None:
    assert open_id("CAS-2026-0000001") == open_id("CAS-2026-0000001")
    assert open_id("CAS-2026-0000001") != open_id("CAS-2026-0000002")
    assert stable_command_id("open", "CAS-2026-0000001") != stable_command_id("other", "CAS-2026-0000001")


async def test_with_a_key_a_repeat_returns_the_same_number_and_is_not_sent_again(harness: Harness) -> None:
    scope = new_scope()

    first = await harness.open(scope)
    repeat = await harness.open(scope)

    assert repeat == first
    assert harness.sent_ids() == [(first, open_id(first))]


async def test_a_failed_send_raises_broker_unavailable_and_marks_nothing_published(harness: Harness) -> None:
    scope = new_scope()
    harness.sender.down = True

    with pytest.raises(BrokerUnavailable):
        await harness.open(scope)

    record = await harness.keys.find(scope)
    assert record is not None and not record.published
    assert harness.sender.sent == []


async def test_a_retry_after_a_failed_send_sends_the_same_command_id_for_the_same_number(
    harness: Harness,
) -> None:
    scope = new_scope()
    harness.sender.down = True
    with pytest.raises(BrokerUnavailable):
        await harness.open(scope)
    claimed = await harness.keys.find(scope)
    assert claimed is not None

    harness.sender.down = False
    number = await harness.open(scope)

    assert number == claimed.case_number
    assert harness.sent_ids() == [(number, open_id(number))]
    assert await harness.keys.find(scope) == IdempotencyRecord(
        case_number=number, request_hash=claimed.request_hash, published=True
    )


async def test_every_failed_retry_leaves_the_key_to_the_next(harness: Harness) -> None:
    scope = new_scope()
    harness.sender.down = True
    for _ in range(3):
        with pytest.raises(BrokerUnavailable):
            await harness.open(scope)

    harness.sender.down = False
    number = await harness.open(scope)

    assert number == "CAS-2026-0000001"  # the retries allocated nothing more
    assert harness.sender.refused == 3
    assert harness.sent_ids() == [(number, open_id(number))]


async def test_without_a_key_a_failed_send_raises_and_the_next_open_gets_a_new_number(
    harness: Harness,
) -> None:
    harness.sender.down = True
    with pytest.raises(BrokerUnavailable):
        await harness.open(None)

    harness.sender.down = False
    number = await harness.open(None)

    assert number == "CAS-2026-0000002"
    assert harness.sent_ids() == [(number, open_id(number))]


async def test_an_unacknowledged_send_opens_unconfirmed_and_leaves_the_key_for_a_retry(
    harness: Harness,
) -> None:
    scope = new_scope()
    harness.sender.unacknowledged = True

    unconfirmed = await harness.opening.open(draft(), at=T0, correlation_id="r", idempotency=scope)

    assert not unconfirmed.confirmed
    assert [(s.command.case_number, s.command_id) for s in harness.sender.kept] == [
        (unconfirmed.case_number, open_id(unconfirmed.case_number))
    ]
    record = await harness.keys.find(scope)
    assert record is not None and not record.published
    harness.sender.unacknowledged = False
    retried = await harness.opening.open(draft(), at=T0, correlation_id="r", idempotency=scope)
    assert (retried.case_number, retried.confirmed) == (unconfirmed.case_number, True)
    assert harness.sent_ids() == [(retried.case_number, open_id(retried.case_number))]  # same id again


async def test_the_same_key_with_a_different_body_raises_idempotency_conflict(harness: Harness) -> None:
    scope = new_scope()
    first = await harness.open(scope)

    with pytest.raises(IdempotencyConflict):
        await harness.open(scope, title="Otra cosa")

    assert harness.sent_ids() == [(first, open_id(first))]


async def test_the_same_key_with_a_different_body_conflicts_even_before_the_first_was_sent(
    harness: Harness,
) -> None:
    scope = new_scope()
    harness.sender.down = True
    with pytest.raises(BrokerUnavailable):
        await harness.open(scope)
    harness.sender.down = False

    with pytest.raises(IdempotencyConflict):
        await harness.open(scope, title="Otra cosa")

    assert harness.sender.sent == []


async def test_keys_belong_to_one_caller_and_one_authorization(harness: Harness) -> None:
    scope = new_scope()
    other_caller = IdempotencyScope(caller="87654321X", authorization=scope.authorization, key=scope.key)
    other_authorization = IdempotencyScope(caller=scope.caller, authorization="7654321", key=scope.key)

    numbers = [await harness.open(s) for s in (scope, other_caller, other_authorization)]

    assert len(set(numbers)) == 3


async def test_concurrent_repeats_with_one_key_open_one_case_under_one_command_id(harness: Harness) -> None:
    scope = new_scope()

    numbers = await asyncio.gather(*(harness.open(scope) for _ in range(5)))

    [number] = set(numbers)
    assert set(harness.sent_ids()) == {(number, open_id(number))}  # any re-send is deduplicated
    record = await harness.keys.find(scope)
    assert record is not None and record.case_number == number and record.published
