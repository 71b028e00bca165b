"""Hand-written in-memory fakes of the notifier's ports (``casia_notifier.service.ports``).

They build on the runtime's fakes (:mod:`casia_runtime.testing.memory`) and keep the adapters'
semantics, checked by ``tests/contract/``: a transaction sees a snapshot of the committed state
taken when it starts plus its own writes, and is applied only if ``work`` returns; a commit that
would overwrite what another writer committed meanwhile (a delivery row, an inbox record) re-runs
``work``, as the driver does on a write conflict; recording an event id already recorded raises
ConcurrentChange. Claims (which count the attempts) and marks are written outside any
transaction, each at once, as one atomic write.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar

from casia_notifier.service.ports import (
    Contact,
    DeliveryRow,
    DeliveryStatus,
    Mail,
    Notice,
    Outcome,
    PermanentDeliveryError,
    Transaction,
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


class MongoUnreachable(ConnectionError):
    """What the store raises, told to, for a write that did not reach the database."""


class ProcessDied(BaseException):
    """A SIGKILL as the use case would see it if it could: nothing after it runs. No Exception,
    so no handler of the use case catches it."""


@dataclass
class RecordingMailer:
    """Mailer: keeps every mail it accepted; told to, it fails transiently or refuses for good."""

    sent: list[Mail] = field(default_factory=list)
    tried: list[Mail] = field(default_factory=list)
    """Every mail handed to it, accepted or not."""
    failures_left: int = 0
    refusing: bool = False
    handed: asyncio.Event = field(default_factory=asyncio.Event)
    """Set once a mail has been handed to it."""
    held: asyncio.Event | None = None
    dies_on_acceptance: bool = False

    def fail_transiently(self, times: int) -> None:
        """The next ``times`` sends raise MailServerDown."""
        self.failures_left = times

    def refuse(self) -> None:
        """Every send from now on raises PermanentDeliveryError (a 550)."""
        self.refusing = True

    def hold(self) -> None:
        """Sends from now on stay in flight until :meth:`release`."""
        self.held = asyncio.Event()

    def release(self) -> None:
        if self.held is not None:
            self.held.set()

    def die_on_acceptance(self) -> None:
        """The next accepted mail kills its sender (ProcessDied) before the send returns."""
        self.dies_on_acceptance = True

    async def send(self, mail: Mail) -> None:
        self.tried.append(mail)
        self.handed.set()
        if self.held is not None:
            await self.held.wait()
        if self.refusing:
            raise PermanentDeliveryError(f"550 5.1.1 <{mail.recipient}>: mailbox unavailable")
        if self.failures_left > 0:
            self.failures_left -= 1
            raise MailServerDown("451 4.3.0 try again later")
        self.sent.append(mail)
        if self.dies_on_acceptance:
            self.dies_on_acceptance = False
            raise ProcessDied


T = TypeVar("T")


class DiesBeforeCommit:
    """Transactions of a process that dies (ProcessDied) before it commits anything."""

    async def run(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        raise ProcessDied


class InMemoryContacts:
    """Contacts: what intake stored, per authorization number."""

    def __init__(self) -> None:
        self.stored: dict[str, Contact] = {}

    def put(self, authorization_number: str, *, email: str | None, consent: bool) -> None:
        self.stored[authorization_number] = Contact(email=email, consent=consent)

    async def get(self, authorization_number: str) -> Contact:
        return self.stored.get(authorization_number, Contact(email=None, consent=False))

    async def get_all(self, authorization_numbers: Collection[str]) -> dict[str, Contact]:
        return {number: await self.get(number) for number in authorization_numbers}


@dataclass(frozen=True)
class InMemoryDeliveries:
    """DeliveryOutcomes: the snapshot's rows under the ones this transaction finished."""

    rows: TableView[str, DeliveryRow]

    async def finish(self, notice: Notice, outcome: Outcome, *, at: datetime) -> None:
        current = self.rows.get(notice.notice_id) or DeliveryRow(notice, DeliveryStatus.PENDING, attempts=0)
        self.rows.put(
            notice.notice_id,
            replace(
                current,
                notice=notice,
                status=outcome.status,
                reason_code=outcome.reason_code,
                reason=outcome.reason,
            ),
        )

    async def finish_all(self, ended: Sequence[tuple[Notice, Outcome]], *, at: datetime) -> None:
        for notice, outcome in ended:
            await self.finish(notice, outcome, at=at)


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
        self.marks_failing = 0
        """The next this many marks raise MongoUnreachable."""

    def begin(self, session: InMemorySession) -> InMemoryTransaction:
        # Rows are immutable, so a shallow copy is a snapshot.
        return InMemoryTransaction(
            InMemoryDeliveries(session.table(self.rows)), session.outbox, session.inbox
        )

    async def claim(self, notice: Notice, *, owner: str, at: datetime, until: datetime) -> DeliveryRow:
        current = self.rows.get(notice.notice_id)
        if current is None:
            current = DeliveryRow(notice=notice, status=DeliveryStatus.PENDING, attempts=0)
        elif current.finished or current.sent_at is not None or not _claimable(current, owner, at=at):
            return current
        # A new row object, so a transaction that read the old one sees it moved (a conflict).
        claimed = replace(
            current, notice=notice, attempts=current.attempts + 1, claimed_by=owner, claimed_until=until
        )
        self.rows[notice.notice_id] = claimed
        return claimed

    async def claim_all(
        self, notices: Sequence[Notice], *, owner: str, at: datetime, until: datetime
    ) -> list[DeliveryRow]:
        return [await self.claim(notice, owner=owner, at=at, until=until) for notice in notices]

    async def mark_sent(self, notice_id: str, *, owner: str, at: datetime) -> bool:
        if self.marks_failing > 0:
            self.marks_failing -= 1
            raise MongoUnreachable("no primary available for writes")
        current = self.rows.get(notice_id)
        if current is None or current.finished or current.sent_at is not None or current.claimed_by != owner:
            return False
        self.rows[notice_id] = replace(current, sent_at=at)
        return True

    async def get(self, notice_id: str) -> DeliveryRow | None:
        return self.rows.get(notice_id)


def _claimable(row: DeliveryRow, owner: str, *, at: datetime) -> bool:
    """Its claim is ``owner``'s own, absent, or lapsed by ``at``."""
    if row.claimed_by in (owner, None):
        return True
    return row.claimed_until is not None and row.claimed_until <= at
