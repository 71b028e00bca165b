"""Hand-written in-memory fakes of the workflow's ports (``casia_workflow.service.ports``).

They build on the runtime's fakes (:mod:`casia_runtime.testing.memory`) and keep the MongoDB
adapter's semantics, checked by ``tests/contract/``: a transaction sees a snapshot of the
committed state taken when it starts plus its own writes, and is applied only if ``work``
returns; a commit that would overwrite what another transaction committed meanwhile re-runs
``work``; a stale version, a duplicate case number or a duplicate message id raises
ConcurrentChange.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from casia_read_models import StoredCommandOutcome
from casia_runtime.ports import ConcurrentChange
from casia_runtime.testing.memory import (
    InMemoryInbox,
    InMemoryOutbox,
    InMemorySession,
    InMemoryTransactions,
    TableView,
)
from casia_workflow.domain import Case, CaseNumber, information_deadline

T = TypeVar("T")


@dataclass(frozen=True)
class InMemoryCases:
    """CaseRepository: reads the transaction's snapshot under its own writes."""

    rows: TableView[CaseNumber, Case]

    async def get(self, case_number: CaseNumber) -> Case | None:
        return self.rows.get(case_number)

    async def add(self, case: Case) -> None:
        if await self.get(case.number) is not None:
            raise ConcurrentChange(case.number)
        self.rows.put(case.number, case)

    async def replace(self, case: Case, *, expected_version: int) -> None:
        current = await self.get(case.number)
        if current is None or current.version != expected_version:
            raise ConcurrentChange(case.number)
        self.rows.put(case.number, case)


@dataclass(frozen=True)
class InMemoryOutcomes:
    """CommandOutcomes: one row per command id, within the transaction's view."""

    rows: TableView[str, StoredCommandOutcome]

    async def record(self, outcome: StoredCommandOutcome) -> None:
        if self.rows.get(outcome.command_id) is not None:
            raise ConcurrentChange(outcome.command_id)
        self.rows.put(outcome.command_id, outcome)


@dataclass(frozen=True)
class InMemoryTransaction:
    cases: InMemoryCases
    outcomes: InMemoryOutcomes
    outbox: InMemoryOutbox
    inbox: InMemoryInbox


class InMemoryStore(InMemoryTransactions[InMemoryTransaction]):
    """The workflow's database in memory: Transactions and ClosureDeadlines.

    ``cases``, ``outcomes``, ``outbox`` and ``inbox`` are the committed state, for tests to read.
    """

    def __init__(self) -> None:
        super().__init__()
        self.cases: dict[CaseNumber, Case] = {}
        self.outcomes: dict[str, StoredCommandOutcome] = {}

    def begin(self, session: InMemorySession) -> InMemoryTransaction:
        # Cases and outcomes are immutable, so a shallow copy is a snapshot.
        return InMemoryTransaction(
            InMemoryCases(session.table(self.cases)),
            InMemoryOutcomes(session.table(self.outcomes)),
            session.outbox,
            session.inbox,
        )

    async def run_batch(
        self,
        work: Callable[[InMemoryTransaction], Awaitable[T]],
        *,
        message_ids: Collection[str],
        case_numbers: Collection[CaseNumber],
    ) -> T:
        """One transaction, as :meth:`run` (nothing to read ahead in memory)."""
        return await self.run(work)

    async def due_for_closure(self, *, now: datetime, limit: int) -> list[CaseNumber]:
        due = [
            (deadline, number)
            for number, case in self.cases.items()
            if (deadline := information_deadline(case)) is not None and deadline <= now
        ]
        return [number for _, number in sorted(due)[:limit]]
