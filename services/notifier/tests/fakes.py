"""Hand-written in-memory fakes of the notifier's ports (``casia_notifier.service.ports``).

They build on the runtime's fakes (:mod:`casia_runtime.testing.memory`) and keep the adapters'
semantics, checked by ``tests/contract/``: a transaction sees a snapshot of the committed state
taken when it starts plus its own writes, and is applied only if ``work`` returns; a commit that
would overwrite what another writer committed meanwhile (a delivery row, an inbox record) re-runs
``work``, as the driver does on a write conflict; recording an event id already recorded raises
ConcurrentChange. Attempts are counted outside any transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from casia_notifier.service.ports import (
    Contact,
    DeliveryRow,
    DeliveryStatus,
    Mail,
    Notice,
    Outcome,
    PermanentDeliveryError,
)
from casia_runtime.testing.memory import (
    InMemoryInbox,
    InMemoryOutbox,
    InMemorySession,
    InMemoryTransactions,
    TableView,
)


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


@dataclass(frozen=True)
class InMemoryDeliveries:
    """DeliveryOutcomes: the snapshot's rows under the ones this transaction finished."""

    rows: TableView[str, DeliveryRow]

    async def finish(self, notice: Notice, outcome: Outcome, *, at: datetime) -> None:
        current = self.rows.get(notice.notice_id)
        self.rows.put(
            notice.notice_id,
            DeliveryRow(
                notice=notice,
                status=outcome.status,
                attempts=current.attempts if current else 0,
                reason_code=outcome.reason_code,
                reason=outcome.reason,
            ),
        )


@dataclass(frozen=True)
class InMemoryTransaction:
    deliveries: InMemoryDeliveries
    outbox: InMemoryOutbox
    inbox: InMemoryInbox


class InMemoryStore(InMemoryTransactions[InMemoryTransaction]):
    """The notifier's database in memory: DeliveryLog, Transactions and AppliedEvents.

    ``rows``, ``outbox`` and ``inbox`` are the committed state, for tests to read.
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, DeliveryRow] = {}

    def begin(self, session: InMemorySession) -> InMemoryTransaction:
        # Rows are immutable, so a shallow copy is a snapshot.
        return InMemoryTransaction(
            InMemoryDeliveries(session.table(self.rows)), session.outbox, session.inbox
        )

    async def begin_attempt(self, notice: Notice, *, at: datetime) -> int:
        current = self.rows.get(notice.notice_id)
        if current is None:
            current = DeliveryRow(notice=notice, status=DeliveryStatus.PENDING, attempts=0)
        # A new row object, so a transaction that read the old one sees it moved (a conflict).
        self.rows[notice.notice_id] = replace(current, attempts=current.attempts + 1)
        return current.attempts + 1

    async def get(self, notice_id: str) -> DeliveryRow | None:
        return self.rows.get(notice_id)
