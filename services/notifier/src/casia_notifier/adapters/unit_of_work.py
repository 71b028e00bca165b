"""The notifier's unit of work over MongoDB: ``notifications``, ``notifier_outbox`` and
``notifier_inbox`` bound to the session of one transaction (run by
:class:`casia_runtime.unit_of_work.MongoTransactions`) that records one outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase

from casia_notifier.adapters import mongo as store
from casia_notifier.service.ports import Notice, Outcome
from casia_runtime.mongo import Document, MongoClient, Session
from casia_runtime.unit_of_work import MongoTransactions, SessionInbox, SessionOutbox


@dataclass(frozen=True, slots=True)
class SessionDeliveries:
    """The DeliveryOutcomes port within one session."""

    log: store.DeliveryLog
    session: Session

    async def finish(self, notice: Notice, outcome: Outcome, *, at: datetime) -> None:
        await self.log.finish(notice, outcome, at=at, session=self.session)

    async def finish_all(self, ended: Sequence[tuple[Notice, Outcome]], *, at: datetime) -> None:
        await self.log.finish_all(ended, at=at, session=self.session)


@dataclass(frozen=True, slots=True)
class MongoTransaction:
    deliveries: SessionDeliveries
    outbox: SessionOutbox
    inbox: SessionInbox


def notifier_transactions(
    client: MongoClient, db: AsyncDatabase[Document]
) -> MongoTransactions[MongoTransaction]:
    """The Transactions port over the notifier's database ``db``. Its AppliedEvents port is the
    inbox itself (:func:`~casia_notifier.adapters.mongo.inbox`), read outside any transaction."""
    deliveries, outbox, inbox = store.DeliveryLog(db), store.outbox(db), store.inbox(db)

    def begin(session: Session) -> MongoTransaction:
        return MongoTransaction(
            SessionDeliveries(deliveries, session),
            SessionOutbox(outbox, session),
            SessionInbox(inbox, session),
        )

    return MongoTransactions(client, begin)
