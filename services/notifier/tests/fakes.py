"""Hand-written in-memory fakes of the notifier's ports (``casia_notifier.service.ports``).

They keep the adapters' semantics, checked by ``tests/contract/``: a transaction sees a snapshot
of the committed state taken when it starts plus its own writes, and is applied only if ``work``
returns; a commit that would overwrite what another writer committed meanwhile (a delivery row,
an inbox record) re-runs ``work``, as the driver does on a write conflict; recording an event id
already recorded raises ConcurrentChange. Attempts are counted outside any transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from casia_notifier.service.ports import (
    ConcurrentChange,
    Contact,
    DeliveryRow,
    DeliveryStatus,
    Mail,
    Notice,
    Outcome,
    PermanentDeliveryError,
    Transaction,
)
from casia_runtime.messages import OutboundMessage

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


class MailServerDown(ConnectionError):
    """What the recording mailer raises for a transient failure."""


@dataclass
class RecordingMailer:
    """Mailer: keeps every mail it accepted; told to, it fails transiently or refuses for good."""

    sent: list[Mail] = field(default_factory=list)
    tried: list[Mail] = field(default_factory=list)
    """Every mail handed to it, accepted or not."""
    failures_left: int = 0
    refusing: bool = False

    def fail_transiently(self, times: int) -> None:
        """The next ``times`` sends raise MailServerDown."""
        self.failures_left = times

    def refuse(self) -> None:
        """Every send from now on raises PermanentDeliveryError (a 550)."""
        self.refusing = True

    async def send(self, mail: Mail) -> None:
        self.tried.append(mail)
        if self.refusing:
            raise PermanentDeliveryError(f"550 5.1.1 <{mail.recipient}>: mailbox unavailable")
        if self.failures_left > 0:
            self.failures_left -= 1
            raise MailServerDown("451 4.3.0 try again later")
        self.sent.append(mail)


class InMemoryContacts:
    """Contacts: what intake stored, per authorization number."""

    def __init__(self) -> None:
        self.stored: dict[str, Contact] = {}

    def put(self, authorization_number: str, *, email: str | None, consent: bool) -> None:
        self.stored[authorization_number] = Contact(email=email, consent=consent)

    async def get(self, authorization_number: str) -> Contact:
        return self.stored.get(authorization_number, Contact(email=None, consent=False))


class InMemoryDeliveries:
    """DeliveryOutcomes: the snapshot's rows under the ones this transaction finished."""

    def __init__(self, snapshot: Mapping[str, DeliveryRow]) -> None:
        self.snapshot = snapshot
        self.written: dict[str, DeliveryRow] = {}

    async def finish(self, notice: Notice, outcome: Outcome, *, at: datetime) -> None:
        current = self.written.get(notice.notice_id, self.snapshot.get(notice.notice_id))
        self.written[notice.notice_id] = DeliveryRow(
            notice=notice,
            status=outcome.status,
            attempts=current.attempts if current else 0,
            reason_code=outcome.reason_code,
            reason=outcome.reason,
        )


class InMemoryOutbox:
    """OutboxWriter: the messages one transaction appends, in order."""

    def __init__(self) -> None:
        self.added: list[OutboundMessage] = []

    async def add(self, messages: Sequence[OutboundMessage]) -> None:
        self.added.extend(messages)


class InMemoryInbox:
    """Inbox: the snapshot's event ids under the ones this transaction records."""

    def __init__(self, snapshot: frozenset[str]) -> None:
        self.snapshot = snapshot
        self.recorded: dict[str, datetime] = {}

    async def seen(self, event_id: str) -> bool:
        return event_id in self.recorded or event_id in self.snapshot

    async def record(self, event_id: str, *, at: datetime) -> None:
        if await self.seen(event_id):
            raise ConcurrentChange(event_id)
        self.recorded[event_id] = at


@dataclass(frozen=True)
class InMemoryTransaction:
    deliveries: InMemoryDeliveries
    outbox: InMemoryOutbox
    inbox: InMemoryInbox


class InMemoryStore:
    """The notifier's database in memory: DeliveryLog, Transactions and AppliedEvents.

    ``rows``, ``outbox`` and ``inbox`` are the committed state, for tests to read.
    """

    def __init__(self) -> None:
        self.rows: dict[str, DeliveryRow] = {}
        self.outbox: list[OutboundMessage] = []
        self.inbox: dict[str, datetime] = {}
        self.attempts = 0
        """How many times a ``work`` ran, re-runs included."""

    async def begin_attempt(self, notice: Notice, *, at: datetime) -> int:
        current = self.rows.get(notice.notice_id)
        if current is None:
            current = DeliveryRow(notice=notice, status=DeliveryStatus.PENDING, attempts=0)
        # A new row object, so a transaction that read the old one sees it moved (a conflict).
        self.rows[notice.notice_id] = replace(current, attempts=current.attempts + 1)
        return current.attempts + 1

    async def get(self, notice_id: str) -> DeliveryRow | None:
        return self.rows.get(notice_id)

    async def seen(self, event_id: str) -> bool:
        return event_id in self.inbox

    async def run(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        for _ in range(MAX_ATTEMPTS):
            self.attempts += 1
            transaction = self._begin()
            result = await work(transaction)  # a raise discards `transaction`: nothing was applied
            if not self._conflicts(transaction):
                self._commit(transaction)
                return result
        raise ConcurrentChange(f"still conflicting after {MAX_ATTEMPTS} attempts")

    def _begin(self) -> InMemoryTransaction:
        # Rows are immutable, so shallow copies are a snapshot.
        return InMemoryTransaction(
            deliveries=InMemoryDeliveries(dict(self.rows)),
            outbox=InMemoryOutbox(),
            inbox=InMemoryInbox(frozenset(self.inbox)),
        )

    def _conflicts(self, transaction: InMemoryTransaction) -> bool:
        """Whether another writer committed, since this one began, something it writes."""
        deliveries = transaction.deliveries
        moved = any(self.rows.get(i) is not deliveries.snapshot.get(i) for i in deliveries.written)
        return moved or any(event_id in self.inbox for event_id in transaction.inbox.recorded)

    def _commit(self, transaction: InMemoryTransaction) -> None:
        self.rows.update(transaction.deliveries.written)
        self.outbox.extend(transaction.outbox.added)
        self.inbox.update(transaction.inbox.recorded)
