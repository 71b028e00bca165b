"""The ports of ``service/ports.py`` over MongoDB: one multi-document transaction per unit of work.

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

from casia_runtime.inbox import Inbox
from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import Document, MongoClient, Session, in_transaction
from casia_runtime.outbox import Outbox
from casia_workflow.adapters import mongo as store
from casia_workflow.domain import Case, CaseNumber
from casia_workflow.service.ports import Transaction

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SessionCases:
    store: store.CaseStore
    session: Session

    async def get(self, case_number: CaseNumber) -> Case | None:
        return await self.store.get(case_number, session=self.session)

    async def add(self, case: Case) -> None:
        await self.store.add(case, session=self.session)

    async def replace(self, case: Case, *, expected_version: int) -> None:
        await self.store.replace(case, expected_version=expected_version, session=self.session)


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

    async def seen(self, message_id: str) -> bool:
        return await self.inbox.seen(message_id, session=self.session)

    async def record(self, message_id: str, *, at: datetime) -> None:
        with store.first_writer_wins(message_id):
            await self.inbox.record(message_id, at=at, session=self.session)


@dataclass(frozen=True, slots=True)
class MongoTransaction:
    cases: SessionCases
    outbox: SessionOutbox
    inbox: SessionInbox


class MongoTransactions:
    """The workflow's database (cases, ``workflow_outbox``, ``workflow_inbox``) as a unit of work."""

    def __init__(self, client: MongoClient, db: AsyncDatabase[Document]) -> None:
        self._client = client
        self._cases = store.CaseStore(db)
        self._outbox = store.outbox(db)
        self._inbox = store.inbox(db)

    async def run(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        async def attempt(session: Session) -> T:
            transaction = MongoTransaction(
                cases=SessionCases(self._cases, session),
                outbox=SessionOutbox(self._outbox, session),
                inbox=SessionInbox(self._inbox, session),
            )
            return await work(transaction)

        return await in_transaction(self._client, attempt)
