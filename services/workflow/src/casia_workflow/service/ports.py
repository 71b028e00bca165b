"""What the use cases need from the outside world, and nothing more (STYLE.md §6).

A message is applied as one unit of work: a :class:`Transaction` reads and writes cases, appends
to the outbox and records the message in the inbox, and :class:`Transactions` commits all of it
or none of it. The outbox, the inbox, the unit of work and ConcurrentChange are the runtime's
shared ports (:mod:`casia_runtime.ports`); the cases are the workflow's own. The timer's work list
is read outside any transaction (:class:`ClosureDeadlines`).

The MongoDB implementation lives in ``adapters/``; the in-memory fakes in ``tests/fakes.py``;
``tests/contract/`` holds them both to these contracts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from datetime import datetime
from typing import Protocol, TypeVar

from casia_read_models import StoredCommandOutcome
from casia_runtime import ports
from casia_workflow.domain import Case, CaseNumber

T = TypeVar("T")


class CaseRepository(Protocol):
    """The cases, as one transaction sees them (its own writes included)."""

    async def get(self, case_number: CaseNumber) -> Case | None:
        """The case as stored, exactly as it was added or replaced; None if there is none."""
        ...

    async def add(self, case: Case) -> None:
        """Store a new case. Raises ConcurrentChange if its number is already stored."""
        ...

    async def replace(self, case: Case, *, expected_version: int) -> None:
        """Store ``case`` over the stored one with the same number, which must still be at
        ``expected_version``; raises ConcurrentChange otherwise (changed or missing)."""
        ...


class CommandOutcomes(Protocol):
    """What became of each command, as one transaction records it (read by intake to answer)."""

    async def record(self, outcome: StoredCommandOutcome) -> None:
        """Record the outcome of ``outcome.command_id``. Raises ConcurrentChange if it already was."""
        ...


class Transaction(ports.MessageTransaction, Protocol):
    """One unit of work: the cases, the outcomes of commands, the outbox and the inbox,
    committed together or not at all."""

    @property
    def cases(self) -> CaseRepository: ...

    @property
    def outcomes(self) -> CommandOutcomes: ...


class Transactions(ports.Transactions[Transaction], Protocol):
    """Runs a use case's work in one :class:`Transaction` (see :class:`casia_runtime.ports.Transactions`)."""

    async def run_batch(
        self,
        work: Callable[[Transaction], Awaitable[T]],
        *,
        message_ids: Collection[str],
        case_numbers: Collection[CaseNumber],
    ) -> T:
        """Run the work of many messages in one transaction, as :meth:`run` runs one's.

        The same semantics (every read sees the transaction's own writes; a stale version, a
        duplicate number or message id raises ConcurrentChange; nothing is kept if ``work``
        raises), for fewer round trips: the inbox records of ``message_ids`` and the cases of
        ``case_numbers`` may be read ahead in one query each, and the writes held until ``work``
        returns, then written in one bulk write per collection. Whatever ``work`` reads beyond
        them is read as :meth:`run` would.
        """
        ...


class ClosureDeadlines(Protocol):
    async def due_for_closure(self, *, now: datetime, limit: int) -> list[CaseNumber]:
        """Numbers of the committed cases whose information deadline is at or before ``now``,
        earliest deadline first, at most ``limit``.

        Read outside any transaction: a listed case may have moved on before it is closed.
        """
        ...
