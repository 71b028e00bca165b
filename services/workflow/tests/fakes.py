"""Hand-written in-memory fakes of the workflow's ports (``casia_workflow.service.ports``).

They keep the MongoDB adapter's semantics, checked by ``tests/contract/``: a transaction sees a
snapshot of the committed state taken when it starts plus its own writes, and is applied only
if ``work`` returns; a commit that would overwrite what another transaction committed meanwhile
re-runs ``work`` (as the driver does on a write conflict); a stale version, a duplicate case
number or a duplicate message id raises ConcurrentChange.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from casia_runtime.messages import OutboundMessage
from casia_workflow.domain import Case, CaseNumber, information_deadline
from casia_workflow.service.ports import ConcurrentChange, Transaction

T = TypeVar("T")

MAX_ATTEMPTS = 100
"""Re-runs of one conflicting transaction before giving up (the driver gives up after 120 s)."""


@dataclass
class ManualClock:
    """Time the test controls (millisecond precision, like MongoDB)."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 30, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class InMemoryCases:
    """CaseRepository: reads the transaction's snapshot under its own writes."""

    def __init__(self, snapshot: Mapping[CaseNumber, Case]) -> None:
        self.snapshot = snapshot
        self.written: dict[CaseNumber, Case] = {}

    async def get(self, case_number: CaseNumber) -> Case | None:
        return self.written.get(case_number, self.snapshot.get(case_number))

    async def add(self, case: Case) -> None:
        if await self.get(case.number) is not None:
            raise ConcurrentChange(case.number)
        self.written[case.number] = case

    async def replace(self, case: Case, *, expected_version: int) -> None:
        current = await self.get(case.number)
        if current is None or current.version != expected_version:
            raise ConcurrentChange(case.number)
        self.written[case.number] = case


class InMemoryOutbox:
    """OutboxWriter: the messages one transaction appends, in order."""

    def __init__(self) -> None:
        self.added: list[OutboundMessage] = []

    async def add(self, messages: Sequence[OutboundMessage]) -> None:
        self.added.extend(messages)


class InMemoryInbox:
    """Inbox: the snapshot's message ids under the ones this transaction records."""

    def __init__(self, snapshot: frozenset[str]) -> None:
        self.snapshot = snapshot
        self.recorded: dict[str, datetime] = {}

    async def seen(self, message_id: str) -> bool:
        return message_id in self.recorded or message_id in self.snapshot

    async def record(self, message_id: str, *, at: datetime) -> None:
        if await self.seen(message_id):
            raise ConcurrentChange(message_id)
        self.recorded[message_id] = at


@dataclass(frozen=True)
class InMemoryTransaction:
    cases: InMemoryCases
    outbox: InMemoryOutbox
    inbox: InMemoryInbox


class InMemoryStore:
    """The workflow's database in memory: Transactions and ClosureDeadlines.

    ``cases``, ``outbox`` and ``inbox`` are the committed state, for tests to read.
    """

    def __init__(self) -> None:
        self.cases: dict[CaseNumber, Case] = {}
        self.outbox: list[OutboundMessage] = []
        self.inbox: dict[str, datetime] = {}
        self.attempts = 0
        """How many times a ``work`` ran, re-runs included."""

    async def run(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        for _ in range(MAX_ATTEMPTS):
            self.attempts += 1
            transaction = self._begin()
            result = await work(transaction)  # a raise discards `transaction`: nothing was applied
            if not self._conflicts(transaction):
                self._commit(transaction)
                return result
        raise ConcurrentChange(f"still conflicting after {MAX_ATTEMPTS} attempts")

    async def due_for_closure(self, *, now: datetime, limit: int) -> list[CaseNumber]:
        due = [
            (deadline, number)
            for number, case in self.cases.items()
            if (deadline := information_deadline(case)) is not None and deadline <= now
        ]
        return [number for _, number in sorted(due)[:limit]]

    def _begin(self) -> InMemoryTransaction:
        # Cases are immutable, so shallow copies are a snapshot.
        return InMemoryTransaction(
            cases=InMemoryCases(dict(self.cases)),
            outbox=InMemoryOutbox(),
            inbox=InMemoryInbox(frozenset(self.inbox)),
        )

    def _conflicts(self, transaction: InMemoryTransaction) -> bool:
        """Whether another transaction committed, since this one began, something it writes."""
        cases = transaction.cases
        moved = any(self.cases.get(number) is not cases.snapshot.get(number) for number in cases.written)
        return moved or any(message_id in self.inbox for message_id in transaction.inbox.recorded)

    def _commit(self, transaction: InMemoryTransaction) -> None:
        self.cases.update(transaction.cases.written)
        self.outbox.extend(transaction.outbox.added)
        self.inbox.update(transaction.inbox.recorded)
