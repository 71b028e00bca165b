"""``Transactions.run_batch``: many messages' work in one transaction, held to the contract of
``run`` (its own writes visible, stale versions and duplicates refused, all or nothing), on the
fake and on the real MongoDB alike (the ``backend`` fixture of the ports' contract)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection
from typing import TypeVar

import pytest

from casia_runtime.messages import OutboundMessage
from casia_runtime.ports import ConcurrentChange
from casia_workflow.domain import Action, Case, CaseNumber, Substatus
from casia_workflow.service.ports import Transaction

from ..unit.builders import case_in, play
from .test_ports_contract import AT, Backend, add, backend, stored_case

__all__ = ["backend"]  # the fixture, shared with the ports' contract

T = TypeVar("T")


def an_event(case: Case, name: str) -> OutboundMessage:
    return OutboundMessage(id=str(uuid.uuid4()), topic="casia.test", key=case.number, value=name.encode())


async def in_batch(
    backend: Backend,
    work: Callable[[Transaction], Awaitable[T]],
    *,
    message_ids: Collection[str] = (),
    case_numbers: Collection[CaseNumber] = (),
) -> T:
    return await backend.transactions.run_batch(work, message_ids=message_ids, case_numbers=case_numbers)


async def seen(backend: Backend, message_id: str) -> bool:
    return await backend.transactions.run(lambda tx: tx.inbox.seen(message_id))


async def test_the_messages_of_a_batch_see_each_others_writes_and_all_are_committed(backend: Backend) -> None:
    stored, new = case_in(Substatus.SUBMITTED), case_in(Substatus.SUBMITTED)
    await add(backend, stored)
    assigned, escalated = play(stored, Action.ASSIGN), play(stored, Action.ASSIGN, Action.ESCALATE)
    first, second, third = (str(uuid.uuid4()) for _ in range(3))
    events = [an_event(stored, "assigned"), an_event(new, "opened"), an_event(stored, "escalated")]
    relayed_before = len(await backend.relayed())

    async def work(tx: Transaction) -> list[object]:
        await tx.cases.replace(assigned, expected_version=stored.version)
        await tx.outbox.add(events[:1])
        await tx.inbox.record(first, at=AT)
        await tx.cases.add(new)
        await tx.outbox.add(events[1:2])
        await tx.inbox.record(second, at=AT)
        read_back = await tx.cases.get(stored.number)
        await tx.cases.replace(escalated, expected_version=assigned.version)
        await tx.outbox.add(events[2:])
        await tx.inbox.record(third, at=AT)
        return [read_back, await tx.cases.get(new.number), await tx.inbox.seen(first)]

    read = await in_batch(
        backend, work, message_ids=[first, second, third], case_numbers=[stored.number, new.number]
    )

    assert read == [assigned, new, True]
    assert await stored_case(backend, stored.number) == escalated
    assert await stored_case(backend, new.number) == new
    assert [await seen(backend, m) for m in (first, second, third)] == [True, True, True]
    relayed = (await backend.relayed())[relayed_before:]
    assert sorted(e.id for e in relayed) == sorted(e.id for e in events)
    assert [e.id for e in relayed if e.key == stored.number] == [events[0].id, events[2].id]  # in order


async def test_a_case_not_named_ahead_is_read_as_in_any_transaction(backend: Backend) -> None:
    case = case_in(Substatus.SUBMITTED)
    await add(backend, case)

    assert await in_batch(backend, lambda tx: tx.cases.get(case.number)) == case


async def test_a_message_recorded_before_is_seen_and_cannot_be_recorded_again(backend: Backend) -> None:
    message_id = str(uuid.uuid4())
    await backend.transactions.run(lambda tx: tx.inbox.record(message_id, at=AT))

    assert await in_batch(backend, lambda tx: tx.inbox.seen(message_id), message_ids=[message_id])
    with pytest.raises(ConcurrentChange):
        await in_batch(backend, lambda tx: tx.inbox.record(message_id, at=AT), message_ids=[message_id])


@pytest.mark.parametrize("named_ahead", [True, False], ids=["named-ahead", "read-on-demand"])
async def test_a_stale_version_in_a_batch_writes_nothing_of_it(backend: Backend, named_ahead: bool) -> None:
    stored, new = case_in(Substatus.SUBMITTED), case_in(Substatus.SUBMITTED)
    await add(backend, stored)
    message_id = str(uuid.uuid4())
    relayed_before = len(await backend.relayed())

    async def work(tx: Transaction) -> None:
        await tx.cases.add(new)
        await tx.outbox.add([an_event(new, "opened")])
        await tx.inbox.record(message_id, at=AT)
        stale = play(stored, Action.ASSIGN)
        await tx.cases.replace(stale, expected_version=stored.version + 1)

    numbers = [stored.number, new.number] if named_ahead else []
    with pytest.raises(ConcurrentChange):
        await in_batch(backend, work, message_ids=[message_id], case_numbers=numbers)

    assert await stored_case(backend, new.number) is None
    assert await stored_case(backend, stored.number) == stored
    assert not await seen(backend, message_id)
    assert len(await backend.relayed()) == relayed_before


async def test_adding_a_case_already_stored_in_a_batch_raises_concurrent_change(backend: Backend) -> None:
    case = case_in(Substatus.SUBMITTED)
    await add(backend, case)

    assigned = play(case, Action.ASSIGN)

    with pytest.raises(ConcurrentChange):
        await in_batch(backend, lambda tx: tx.cases.add(assigned), case_numbers=[case.number])

    assert await stored_case(backend, case.number) == case
