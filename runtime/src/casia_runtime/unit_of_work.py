"""The ports of :mod:`casia_runtime.ports` over MongoDB: one multi-document transaction per unit of work.

A service describes its transaction as a factory ``(session) -> its Transaction`` that binds its
collections to the session of one attempt; :class:`MongoTransactions` runs ``work`` on it through
:func:`~casia_runtime.mongo.in_transaction`, whose driver re-runs it on transient errors (write
conflicts with a concurrent transaction) and commits with majority write concern.
:class:`SessionOutbox` and :class:`SessionInbox` are the shared ports bound to such a session.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from casia_runtime.inbox import Inbox
from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import MongoClient, Session, first_writer_wins, in_transaction
from casia_runtime.outbox import Outbox

T = TypeVar("T")
TransactionT = TypeVar("TransactionT")


class MongoTransactions(Generic[TransactionT]):
    """The Transactions port: each attempt gets a fresh transaction from ``begin(session)``."""

    def __init__(self, client: MongoClient, begin: Callable[[Session], TransactionT]) -> None:
        self._client = client
        self._begin = begin

    async def run(self, work: Callable[[TransactionT], Awaitable[T]]) -> T:
        async def attempt(session: Session) -> T:
            return await work(self._begin(session))

        return await in_transaction(self._client, attempt)


@dataclass(frozen=True, slots=True)
class SessionOutbox:
    """The OutboxWriter port: appends to ``outbox`` within ``session``."""

    outbox: Outbox
    session: Session

    async def add(self, messages: Sequence[OutboundMessage]) -> None:
        await self.outbox.add(messages, session=self.session)


@dataclass(frozen=True, slots=True)
class SessionInbox:
    """The Inbox port: reads and records within ``session``; a message id already recorded by a
    committed transaction raises ConcurrentChange."""

    inbox: Inbox
    session: Session

    async def seen(self, message_id: str) -> bool:
        return await self.inbox.seen(message_id, session=self.session)

    async def record(self, message_id: str, *, at: datetime) -> None:
        with first_writer_wins(message_id):
            await self.inbox.record(message_id, at=at, session=self.session)

    async def record_all(self, message_ids: Sequence[str], *, at: datetime) -> None:
        with first_writer_wins(", ".join(message_ids)):
            await self.inbox.record_all(dict.fromkeys(message_ids, at), session=self.session)
