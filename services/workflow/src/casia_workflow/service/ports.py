"""What the use cases need from the outside world, and nothing more (STYLE.md §6).

A message is applied as one unit of work: a :class:`Transaction` reads and writes cases, appends
to the outbox and records the message in the inbox, and :class:`Transactions` commits all of it
or none of it. The timer's work list is read outside any transaction (:class:`ClosureDeadlines`).

The MongoDB implementation lives in ``adapters/``; the in-memory fakes in ``tests/fakes.py``;
``tests/contract/`` holds them both to these contracts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from casia_runtime.messages import OutboundMessage
from casia_workflow.domain import Case, CaseNumber

T = TypeVar("T")


class ConcurrentChange(Exception):
    """Another writer got there first: a stale expected version, a case number or a message id
    already stored. The transaction is discarded; retrying the message sees the winner's state."""


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


class OutboxWriter(Protocol):
    async def add(self, messages: Sequence[OutboundMessage]) -> None:
        """Append messages to publish once the transaction commits; the relay keeps their order."""
        ...


class Inbox(Protocol):
    """The ids of the messages already applied."""

    async def seen(self, message_id: str) -> bool: ...

    async def record(self, message_id: str, *, at: datetime) -> None:
        """Mark the message as applied. Raises ConcurrentChange if it already was."""
        ...


class Transaction(Protocol):
    """One unit of work: what it writes is committed together or not at all."""

    @property
    def cases(self) -> CaseRepository: ...

    @property
    def outbox(self) -> OutboxWriter: ...

    @property
    def inbox(self) -> Inbox: ...


class Transactions(Protocol):
    async def run(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run ``work`` in a fresh transaction and commit its writes if it returns.

        If ``work`` raises, nothing it wrote is kept and the error propagates. ``work`` may run
        more than once (a conflict with a concurrent transaction re-runs it against the newer
        state), so it must keep no effects outside the transaction.
        """
        ...


class ClosureDeadlines(Protocol):
    async def due_for_closure(self, *, now: datetime, limit: int) -> list[CaseNumber]:
        """Numbers of the committed cases whose information deadline is at or before ``now``,
        earliest deadline first, at most ``limit``.

        Read outside any transaction: a listed case may have moved on before it is closed.
        """
        ...
