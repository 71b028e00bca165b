"""The ports every message-driven service shares (STYLE.md §6): the inbox, the outbox, the unit of
work that writes them together with the service's own state, and the conflict it may end in.

A service's own ``Transaction`` Protocol extends :class:`MessageTransaction` with its repositories
and names its unit of work ``Transactions[Transaction]``. Nothing here imports a driver, so the
use cases (``service/``) may import it; the MongoDB adapters live in
:mod:`casia_runtime.unit_of_work`, the in-memory fakes in :mod:`casia_runtime.testing.memory`, and
:mod:`casia_runtime.testing.contracts` holds both to these contracts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from casia_runtime.messages import OutboundMessage

T = TypeVar("T")
TransactionT_co = TypeVar("TransactionT_co", covariant=True)


class ConcurrentChange(Exception):
    """Another writer got there first: a key already stored (a message id, a case number), or a
    row changed since it was read (a stale expected version). The transaction is discarded;
    handling the message again sees the winner's state."""


class OutboxWriter(Protocol):
    async def add(self, messages: Sequence[OutboundMessage]) -> None:
        """Append messages to publish once the transaction commits; the relay keeps their order."""
        ...


class Inbox(Protocol):
    """The ids of the messages already applied, as one transaction sees them (its own records
    included)."""

    async def seen(self, message_id: str) -> bool: ...

    async def record(self, message_id: str, *, at: datetime) -> None:
        """Mark the message as applied. Raises ConcurrentChange if it already was."""
        ...

    async def record_all(self, message_ids: Sequence[str], *, at: datetime) -> None:
        """Mark every message of ``message_ids`` as applied (one write). Raises ConcurrentChange
        if one of them already was."""
        ...


class MessageTransaction(Protocol):
    """What every unit of work that applies a message has: the outbox and the inbox. A service's
    ``Transaction`` adds its own repositories; all of it is committed together or not at all."""

    @property
    def outbox(self) -> OutboxWriter: ...

    @property
    def inbox(self) -> Inbox: ...


class Transactions(Protocol[TransactionT_co]):
    async def run(self, work: Callable[[TransactionT_co], Awaitable[T]]) -> T:
        """Run ``work`` in a fresh transaction and commit its writes if it returns.

        If ``work`` raises, nothing it wrote is kept and the error propagates. ``work`` may run
        more than once (a conflict with a concurrent writer re-runs it against the newer state),
        so it must keep no effects outside the transaction.
        """
        ...
