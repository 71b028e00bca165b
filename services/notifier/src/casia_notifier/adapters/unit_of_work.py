"""The transactional ports of ``service/ports.py`` over MongoDB: one multi-document transaction per
recorded outcome.

Each :class:`MongoTransaction` binds the collections to the session of one attempt of the
driver's ``with_transaction``, which re-runs the work on transient errors (write conflicts with a
concurrent transaction) and commits with majority write concern.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from pymongo.asynchronous.database import AsyncDatabase

from casia_notifier.adapters import mongo as store
from casia_notifier.service.ports import Notice, Outcome, Transaction
from casia_runtime.inbox import Inbox
from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import Document, MongoClient, Session, in_transaction
from casia_runtime.outbox import Outbox

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SessionDeliveries:
    log: store.DeliveryLog
    session: Session

    async def finish(self, notice: Notice, outcome: Outcome, *, at: datetime) -> None:
        await self.log.finish(notice, outcome, at=at, session=self.session)


@dataclass(frozen=True, slots=True)
class SessionOutbox:
    outbox: Outbox
    session: Session

    async def add(self, messages: Sequence[OutboundMessage]) -> None:
        await self.outbox.add(messages, session=self.session)


@dataclass(frozen=True, slots=True)
class SessionInbox:
    inbox: Inbox
    session: Session

    async def seen(self, event_id: str) -> bool:
        return await self.inbox.seen(event_id, session=self.session)

    async def record(self, event_id: str, *, at: datetime) -> None:
        with store.first_writer_wins(event_id):
            await self.inbox.record(event_id, at=at, session=self.session)


@dataclass(frozen=True, slots=True)
class MongoTransaction:
    deliveries: SessionDeliveries
    outbox: SessionOutbox
    inbox: SessionInbox


class MongoTransactions:
    """The notifier's database (``notifications``, ``notifier_outbox``, ``notifier_inbox``) as a
    unit of work (Transactions), and its inbox read outside one (AppliedEvents)."""

    def __init__(self, client: MongoClient, db: AsyncDatabase[Document]) -> None:
        self._client = client
        self._deliveries = store.DeliveryLog(db)
        self._outbox = store.outbox(db)
        self._inbox = store.inbox(db)

    async def run(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        async def attempt(session: Session) -> T:
            transaction = MongoTransaction(
                deliveries=SessionDeliveries(self._deliveries, session),
                outbox=SessionOutbox(self._outbox, session),
                inbox=SessionInbox(self._inbox, session),
            )
            return await work(transaction)

        return await in_transaction(self._client, attempt)

    async def seen(self, event_id: str) -> bool:
        return await self._inbox.seen(event_id)
