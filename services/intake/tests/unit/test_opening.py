"""Opening a case over the fakes: numbers, idempotency keys, what is sent to Kafka and the outcome."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from casia_intake.service.commands import Applied, CommandPath, Outcome, Pending, Refused, RequestContext
from casia_intake.service.opening import CaseOpening
from casia_intake.service.ports import BrokerUnavailable, IdempotencyScope
from casia_intake.service.requests import IdempotencyConflict, Requests, stable_command_id
from casia_read_models import CommandResult, StoredCommandOutcome

from ..builders import T0, draft, new_scope, open_command
from ..fakes import (
    InMemoryCaseNumbers,
    InMemoryCommandOutcomes,
    InMemoryIdempotencyKeys,
    RecordingCommandSender,
    SentCommand,
)


@dataclass(frozen=True)
class Harness:
    opening: CaseOpening
    keys: InMemoryIdempotencyKeys
    sender: RecordingCommandSender
    outcomes: InMemoryCommandOutcomes

    async def open(
        self, scope: IdempotencyScope | None, *, title: str = "Duda sobre contacto", at: datetime = T0
    ) -> Outcome:
        return await self.opening.open(draft(title=title), RequestContext(at, "req-1", scope), files=[])

    def sent_ids(self) -> list[tuple[str, str]]:
        """(case number, command id) of every acknowledged send, in order."""
        return [(s.command.case_number, s.command_id) for s in self.sender.sent]

    def workflow_applies(self) -> None:
        """From now on, every command sent is applied at once (version 1: an alta)."""

        def apply(sent: SentCommand) -> None:
            self.outcomes.record(
                StoredCommandOutcome(
                    command_id=sent.command_id,
                    case_number=sent.command.case_number,
                    result=CommandResult.APPLIED,
                    version=1,
                    at=sent.at,
                )
            )

        self.sender.then = apply


@pytest.fixture
def harness() -> Harness:
    keys, sender, outcomes = InMemoryIdempotencyKeys(), RecordingCommandSender(), InMemoryCommandOutcomes()
    commands = CommandPath(sender=sender, outcomes=outcomes, requests=Requests(keys), wait_seconds=0)
    return Harness(CaseOpening(numbers=InMemoryCaseNumbers(), commands=commands), keys, sender, outcomes)


def open_id(case_number: str) -> str:
    return stable_command_id("open", case_number)


async def test_without_a_key_each_open_allocates_a_new_number_and_sends_it_once(harness: Harness) -> None:
    first = (await harness.open(None)).case_number
    second = (await harness.open(None)).case_number

    assert (first, second) == ("CAS-2026-0000001", "CAS-2026-0000002")
    assert harness.sent_ids() == [(first, open_id(first)), (second, open_id(second))]


async def test_the_command_sent_is_the_draft_for_the_allocated_number(harness: Harness) -> None:
    outcome = await harness.opening.open(draft(), RequestContext(T0, "req-42"), files=[])

    [sent] = harness.sender.sent
    assert sent.command == open_command(outcome.case_number)
    assert (sent.correlation_id, sent.at) == ("req-42", T0)


async def test_the_outcome_is_what_the_workflow_recorded_or_pending(harness: Harness) -> None:
    pending = await harness.open(None)
    harness.workflow_applies()
    applied = await harness.open(None)

    assert pending == Pending("CAS-2026-0000001", sent=True)
    assert applied == Applied("CAS-2026-0000002", version=1)


async def test_a_refusal_recorded_by_the_workflow_is_the_outcome(harness: Harness) -> None:
    def refuse(sent: SentCommand) -> None:
        harness.outcomes.record(
            StoredCommandOutcome(
                command_id=sent.command_id,
                case_number=sent.command.case_number,
                result=CommandResult.REFUSED,
                version=1,
                reason_code="illegal_transition",
                reason="El caso ya existe.",
                at=sent.at,
            )
        )

    harness.sender.then = refuse

    assert await harness.open(None) == Refused("CAS-2026-0000001", "illegal_transition", "El caso ya existe.")


async def test_a_case_opened_in_the_first_hour_of_the_year_in_madrid_takes_the_new_years_number(
    harness: Harness,
) -> None:
    new_year_in_madrid = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January in Madrid

    outcome = await harness.open(None, at=new_year_in_madrid)

    assert outcome.case_number == "CAS-2027-0000001"


def test_the_command_id_is_stable_per_case_number_and_differs_between_numbers() -> None:
    assert open_id("CAS-2026-0000001") == open_id("CAS-2026-0000001")
    assert open_id("CAS-2026-0000001") != open_id("CAS-2026-0000002")
    assert stable_command_id("open", "CAS-2026-0000001") != stable_command_id("other", "CAS-2026-0000001")


async def test_with_a_key_a_repeat_returns_the_same_number_and_is_not_sent_again(harness: Harness) -> None:
    scope = new_scope()

    first = (await harness.open(scope)).case_number
    repeat = (await harness.open(scope)).case_number

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
    number = (await harness.open(scope)).case_number

    assert (number, claimed.command_id) == (claimed.case_number, open_id(number))
    assert harness.sent_ids() == [(number, open_id(number))]
    after = await harness.keys.find(scope)
    assert after is not None and after.published


async def test_every_failed_retry_leaves_the_key_to_the_next(harness: Harness) -> None:
    scope = new_scope()
    harness.sender.down = True
    for _ in range(3):
        with pytest.raises(BrokerUnavailable):
            await harness.open(scope)

    harness.sender.down = False
    number = (await harness.open(scope)).case_number

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
    number = (await harness.open(None)).case_number

    assert number == "CAS-2026-0000002"
    assert harness.sent_ids() == [(number, open_id(number))]


async def test_an_unacknowledged_send_is_pending_unsent_and_leaves_the_key_for_a_retry(
    harness: Harness,
) -> None:
    scope = new_scope()
    harness.sender.unacknowledged = True

    unconfirmed = await harness.open(scope)

    assert unconfirmed == Pending(unconfirmed.case_number, sent=False)
    assert [(s.command.case_number, s.command_id) for s in harness.sender.kept] == [
        (unconfirmed.case_number, open_id(unconfirmed.case_number))
    ]
    record = await harness.keys.find(scope)
    assert record is not None and not record.published
    harness.sender.unacknowledged = False
    retried = await harness.open(scope)
    assert retried == Pending(unconfirmed.case_number, sent=True)
    assert harness.sent_ids() == [(retried.case_number, open_id(retried.case_number))]  # same id again


async def test_the_same_key_with_a_different_body_raises_idempotency_conflict(harness: Harness) -> None:
    scope = new_scope()
    first = (await harness.open(scope)).case_number

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

    numbers = [(await harness.open(s)).case_number for s in (scope, other_caller, other_authorization)]

    assert len(set(numbers)) == 3


async def test_concurrent_repeats_with_one_key_open_one_case_under_one_command_id(harness: Harness) -> None:
    scope = new_scope()

    outcomes = await asyncio.gather(*(harness.open(scope) for _ in range(5)))

    [number] = {outcome.case_number for outcome in outcomes}
    assert set(harness.sent_ids()) == {(number, open_id(number))}  # any re-send is deduplicated
    record = await harness.keys.find(scope)
    assert record is not None and record.case_number == number and record.published
