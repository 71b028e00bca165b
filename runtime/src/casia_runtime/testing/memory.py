"""In-memory fakes of :mod:`casia_runtime.ports` with the MongoDB adapters' semantics, for a
service's fakes to build on (held to them by :mod:`casia_runtime.testing.contracts`).

A transaction sees a snapshot of the committed state taken when it begins plus its own writes,
and is applied only if ``work`` returns; a raise discards it. A commit that would overwrite what
another writer committed meanwhile re-runs ``work`` against the newer state, as the driver does on
a write conflict; recording a message id already recorded raises ConcurrentChange.

Committed values must be immutable and replaced, never changed in place: a conflict is a
committed row that is no longer the very object the snapshot holds. A writer outside any
transaction (an attempt counter, say) stores a new object, so a transaction that wrote the same
row sees it moved and re-runs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from casia_runtime.messages import OutboundMessage
from casia_runtime.ports import ConcurrentChange

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")
TransactionT = TypeVar("TransactionT")

MAX_ATTEMPTS = 100
"""Re-runs of one conflicting transaction before giving up (the driver gives up after 120 s)."""


class _Writes(Protocol):
    def conflicts(self) -> bool: ...

    def commit(self) -> None: ...


class TableView(Generic[K, V]):
    """One transaction's view of a committed table: the snapshot under its own writes."""

    def __init__(self, committed: dict[K, V]) -> None:
        self._committed = committed
        self.snapshot: dict[K, V] = dict(committed)
        self.written: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        return self.written.get(key, self.snapshot.get(key))

    def put(self, key: K, value: V) -> None:
        self.written[key] = value

    def conflicts(self) -> bool:
        """Whether another writer committed, since the snapshot, a row this view writes."""
        return any(self._committed.get(key) is not self.snapshot.get(key) for key in self.written)

    def commit(self) -> None:
        self._committed.update(self.written)


class InMemoryOutbox:
    """OutboxWriter: the messages one transaction appends, in order; on commit they follow the
    committed ones."""

    def __init__(self, committed: list[OutboundMessage]) -> None:
        self._committed = committed
        self.added: list[OutboundMessage] = []

    async def add(self, messages: Sequence[OutboundMessage]) -> None:
        self.added.extend(messages)

    def conflicts(self) -> bool:
        return False  # appending never overwrites

    def commit(self) -> None:
        self._committed.extend(self.added)


class InMemoryInbox:
    """Inbox: the snapshot's message ids under the ones this transaction records."""

    def __init__(self, committed: dict[str, datetime]) -> None:
        self.applied = TableView(committed)

    async def seen(self, message_id: str) -> bool:
        return self.applied.get(message_id) is not None

    async def record(self, message_id: str, *, at: datetime) -> None:
        if await self.seen(message_id):
            raise ConcurrentChange(message_id)
        self.applied.put(message_id, at)

    async def record_all(self, message_ids: Sequence[str], *, at: datetime) -> None:
        for message_id in message_ids:
            await self.record(message_id, at=at)

    def conflicts(self) -> bool:
        return self.applied.conflicts()

    def commit(self) -> None:
        self.applied.commit()


class InMemorySession:
    """The writes of one attempt at a transaction: the shared ``outbox`` and ``inbox``, and a
    :meth:`table` view of each committed table of the service's own."""

    def __init__(self, *, outbox: list[OutboundMessage], inbox: dict[str, datetime]) -> None:
        self.outbox = InMemoryOutbox(outbox)
        self.inbox = InMemoryInbox(inbox)
        self._writes: list[_Writes] = [self.outbox, self.inbox]

    def table(self, committed: dict[K, V]) -> TableView[K, V]:
        view = TableView(committed)
        self._writes.append(view)
        return view

    def conflicts(self) -> bool:
        return any(writes.conflicts() for writes in self._writes)

    def commit(self) -> None:
        for writes in self._writes:
            writes.commit()


class InMemoryTransactions(ABC, Generic[TransactionT]):
    """The Transactions port in memory, over the committed outbox and inbox every service has.

    A service's fake adds its own committed tables and builds its Transaction in :meth:`begin`.
    ``outbox`` and ``inbox`` are the committed state, for tests to read.
    """

    def __init__(self) -> None:
        self.outbox: list[OutboundMessage] = []
        """Committed outbox entries, in the order the relay publishes them."""
        self.inbox: dict[str, datetime] = {}
        """Committed inbox records: message id → when it was applied."""
        self.attempts = 0
        """How many times a ``work`` ran, re-runs included."""

    @abstractmethod
    def begin(self, session: InMemorySession) -> TransactionT:
        """A transaction whose ports read and write through ``session``: its ``outbox``, its
        ``inbox`` and a :meth:`~InMemorySession.table` view of each of the fake's own tables."""

    async def run(self, work: Callable[[TransactionT], Awaitable[T]]) -> T:
        for _ in range(MAX_ATTEMPTS):
            self.attempts += 1
            session = InMemorySession(outbox=self.outbox, inbox=self.inbox)
            result = await work(self.begin(session))  # a raise discards `session`: nothing applied
            if not session.conflicts():
                session.commit()
                return result
        raise ConcurrentChange(f"still conflicting after {MAX_ATTEMPTS} attempts")

    async def seen(self, message_id: str) -> bool:
        """Whether a committed transaction recorded the message (read outside any transaction)."""
        return message_id in self.inbox

    async def seen_among(self, message_ids: Collection[str]) -> set[str]:
        """Which of ``message_ids`` a committed transaction recorded (outside any transaction)."""
        return {message_id for message_id in message_ids if message_id in self.inbox}

    async def relayed(self) -> list[OutboundMessage]:
        """Every committed outbox entry, in the order the relay publishes them."""
        return list(self.outbox)


class RecordingPublisher:
    """The outbox relay's Publisher port: keeps what it is given, in order, and acknowledges it."""

    def __init__(self) -> None:
        self.published: list[OutboundMessage] = []

    async def publish_all(self, messages: Sequence[OutboundMessage]) -> None:
        self.published.extend(messages)
