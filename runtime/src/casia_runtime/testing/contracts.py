"""The contract of :mod:`casia_runtime.ports`, written once for every service that uses them.

A service's contract suite subclasses :class:`UnitOfWorkContract` as a ``Test*`` class and
provides a ``unit_of_work`` fixture: a :class:`UnitOfWork` over its in-memory fake and over its
MongoDB adapter, so both are held to the same behaviour (if they differ, the fake is what gets
fixed). :attr:`UnitOfWork.own_write` brings one write to the service's own ports into the
transactions, to check it is kept or discarded together with the outbox and the inbox.

The service-specific contracts (its repositories, its reads outside a transaction) stay in the
service's suite.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from casia_contracts.envelope import CLOUDEVENTS_CONTENT_TYPE
from casia_runtime.messages import OutboundMessage
from casia_runtime.ports import ConcurrentChange, MessageTransaction, Transactions

TransactionT = TypeVar("TransactionT", bound=MessageTransaction)

AT = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)

Relayed = Callable[[], Awaitable[list[OutboundMessage]]]
"""Every committed outbox entry, in the order the relay publishes them."""


@dataclass(frozen=True)
class OwnWrite(Generic[TransactionT]):
    """One write to a service's own ports, made inside a transaction."""

    write: Callable[[TransactionT], Awaitable[None]]
    state: Callable[[], Awaitable[object]]
    """The committed state that ``write`` changes, comparable with ``==``."""


@dataclass(frozen=True)
class UnitOfWork(Generic[TransactionT]):
    """What the contract runs against: one fake or one real database, fresh per test."""

    transactions: Transactions[TransactionT]
    relayed: Relayed
    own_write: Callable[[], Awaitable[OwnWrite[TransactionT]]]
    """A new write of the service's own (set up as it needs), different on every call."""


class WorkFailed(Exception):
    pass


def a_message(key: str, name: str = "es.casia.test.happened") -> OutboundMessage:
    """An outbox entry of its own (a fresh id), keyed by ``key``."""
    return OutboundMessage(
        id=str(uuid.uuid4()),
        topic="casia.test.contract.v1",
        key=key,
        value=json.dumps({"type": name}).encode(),
        headers={"content-type": CLOUDEVENTS_CONTENT_TYPE},
    )


def a_message_id() -> str:
    return str(uuid.uuid4())


async def _raises(error: type[Exception], action: Awaitable[object]) -> None:
    try:
        await action
    except error:
        return
    raise AssertionError(f"{error.__name__} was not raised")


class UnitOfWorkContract(Generic[TransactionT]):
    """Transactions, Inbox and OutboxWriter as :mod:`casia_runtime.ports` promise them."""

    # --- one transaction: all or nothing -------------------------------------------------------

    async def test_run_returns_what_work_returns(self, unit_of_work: UnitOfWork[TransactionT]) -> None:
        async def work(tx: TransactionT) -> str:
            return "done"

        assert await unit_of_work.transactions.run(work) == "done"

    async def test_a_returned_work_keeps_all_its_writes(self, unit_of_work: UnitOfWork[TransactionT]) -> None:
        own, message_id, message = await unit_of_work.own_write(), a_message_id(), a_message("kept")
        before = await own.state()

        async def work(tx: TransactionT) -> None:
            await own.write(tx)
            await tx.outbox.add([message])
            await tx.inbox.record(message_id, at=AT)

        await unit_of_work.transactions.run(work)

        assert await own.state() != before
        assert await _seen(unit_of_work, message_id)
        assert await unit_of_work.relayed() == [message]

    async def test_a_failed_work_leaves_no_own_write_no_outbox_entry_and_no_inbox_record(
        self, unit_of_work: UnitOfWork[TransactionT]
    ) -> None:
        own, message_id = await unit_of_work.own_write(), a_message_id()
        before = await own.state()

        async def work(tx: TransactionT) -> None:
            await own.write(tx)
            await tx.outbox.add([a_message("failed")])
            await tx.inbox.record(message_id, at=AT)
            raise WorkFailed

        await _raises(WorkFailed, unit_of_work.transactions.run(work))

        assert await own.state() == before
        assert not await _seen(unit_of_work, message_id)
        assert await unit_of_work.relayed() == []

    async def test_a_conflict_mid_work_discards_the_writes_before_it(
        self, unit_of_work: UnitOfWork[TransactionT]
    ) -> None:
        own, message_id = await unit_of_work.own_write(), a_message_id()
        await unit_of_work.transactions.run(lambda tx: tx.inbox.record(message_id, at=AT))
        before = await own.state()

        async def work(tx: TransactionT) -> None:
            await own.write(tx)
            await tx.outbox.add([a_message("conflicting")])
            await tx.inbox.record(message_id, at=AT)  # already applied

        await _raises(ConcurrentChange, unit_of_work.transactions.run(work))

        assert await own.state() == before
        assert await unit_of_work.relayed() == []

    # --- the inbox -----------------------------------------------------------------------------

    async def test_a_message_is_seen_once_recorded(self, unit_of_work: UnitOfWork[TransactionT]) -> None:
        message_id = a_message_id()
        assert not await _seen(unit_of_work, message_id)

        await unit_of_work.transactions.run(lambda tx: tx.inbox.record(message_id, at=AT))

        assert await _seen(unit_of_work, message_id)
        assert not await _seen(unit_of_work, a_message_id())

    async def test_a_transaction_sees_its_own_record(self, unit_of_work: UnitOfWork[TransactionT]) -> None:
        message_id = a_message_id()

        async def work(tx: TransactionT) -> bool:
            await tx.inbox.record(message_id, at=AT)
            return await tx.inbox.seen(message_id)

        assert await unit_of_work.transactions.run(work)

    async def test_recording_a_message_twice_raises_concurrent_change(
        self, unit_of_work: UnitOfWork[TransactionT]
    ) -> None:
        message_id = a_message_id()
        await unit_of_work.transactions.run(lambda tx: tx.inbox.record(message_id, at=AT))

        await _raises(
            ConcurrentChange, unit_of_work.transactions.run(lambda tx: tx.inbox.record(message_id, at=AT))
        )

    async def test_a_message_applied_twice_at_once_is_applied_once(
        self, unit_of_work: UnitOfWork[TransactionT]
    ) -> None:
        outcomes = await _apply_twice_at_once(unit_of_work, _no_write)

        assert sorted(outcomes) == ["applied", "redelivery"]  # the loser was re-run and saw the record
        assert len(await unit_of_work.relayed()) == 1

    async def test_a_message_applied_twice_at_once_with_an_own_write_is_applied_once(
        self, unit_of_work: UnitOfWork[TransactionT]
    ) -> None:
        own = await unit_of_work.own_write()

        outcomes = await _apply_twice_at_once(unit_of_work, own.write)

        assert sorted(outcomes) == ["applied", "redelivery"]
        assert len(await unit_of_work.relayed()) == 1

    # --- the outbox ----------------------------------------------------------------------------

    async def test_outbox_entries_are_relayed_once_each_in_the_order_they_were_added_per_key(
        self, unit_of_work: UnitOfWork[TransactionT]
    ) -> None:
        """Kafka keeps order per key (partition), which is all the relay promises."""
        first, second = a_message_id(), a_message_id()
        batches = [
            [a_message(first, "es.casia.test.opened"), a_message(first, "es.casia.test.assigned")],
            [],
            [a_message(second, "es.casia.test.opened")],
            [a_message(first, "es.casia.test.escalated"), a_message(second, "es.casia.test.annulled")],
        ]
        for batch in batches:
            await _append(unit_of_work, batch)

        added = [message for batch in batches for message in batch]
        relayed = await unit_of_work.relayed()
        assert sorted(m.id for m in relayed) == sorted(m.id for m in added)
        for key in (first, second):
            assert [m for m in relayed if m.key == key] == [m for m in added if m.key == key]


async def _seen(unit_of_work: UnitOfWork[TransactionT], message_id: str) -> bool:
    """Whether a committed transaction recorded the message, as a new transaction sees it."""
    return await unit_of_work.transactions.run(lambda tx: tx.inbox.seen(message_id))


async def _append(unit_of_work: UnitOfWork[TransactionT], messages: list[OutboundMessage]) -> None:
    await unit_of_work.transactions.run(lambda tx: tx.outbox.add(messages))


async def _no_write(tx: MessageTransaction) -> None:
    return None


async def _apply_twice_at_once(
    unit_of_work: UnitOfWork[TransactionT], write: Callable[[TransactionT], Awaitable[None]]
) -> list[str]:
    """Apply one new message in two concurrent transactions that each ``write``, append to the
    outbox and record the message unless they see it recorded; how each ended."""
    message_id = a_message_id()

    async def apply(tx: TransactionT) -> str:
        if await tx.inbox.seen(message_id):
            return "redelivery"
        await asyncio.sleep(0.05)  # so that both transactions look before either records
        await write(tx)
        await tx.outbox.add([a_message("concurrent")])
        await tx.inbox.record(message_id, at=AT)
        return "applied"

    run = unit_of_work.transactions.run
    return list(await asyncio.gather(run(apply), run(apply)))
