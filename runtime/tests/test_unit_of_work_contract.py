"""The runtime's unit of work, in memory and over MongoDB, held to the contract of its ports.

A minimal service of notes stands in for a real one: its own port is one table written in the
same transaction as the outbox and the inbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.inbox import Inbox as StoredInbox
from casia_runtime.mongo import Document, MongoClient, Session
from casia_runtime.outbox import Outbox as StoredOutbox
from casia_runtime.ports import Inbox, OutboxWriter
from casia_runtime.testing.contracts import OwnWrite, UnitOfWork, UnitOfWorkContract
from casia_runtime.testing.memory import InMemorySession, InMemoryTransactions, TableView
from casia_runtime.testing.mongo import relayed_from
from casia_runtime.unit_of_work import MongoTransactions, SessionInbox, SessionOutbox


class Notes(Protocol):
    async def put(self, key: str, text: str) -> None: ...


@dataclass(frozen=True)
class NotesTransaction:
    notes: Notes
    outbox: OutboxWriter
    inbox: Inbox


@dataclass(frozen=True)
class InMemoryNotes:
    rows: TableView[str, str]

    async def put(self, key: str, text: str) -> None:
        self.rows.put(key, text)


class InMemoryNotebook(InMemoryTransactions[NotesTransaction]):
    def __init__(self) -> None:
        super().__init__()
        self.notes: dict[str, str] = {}

    def begin(self, session: InMemorySession) -> NotesTransaction:
        return NotesTransaction(InMemoryNotes(session.table(self.notes)), session.outbox, session.inbox)

    async def note(self, key: str) -> str | None:
        return self.notes.get(key)


@dataclass(frozen=True)
class SessionNotes:
    db: AsyncDatabase[Document]
    session: Session

    async def put(self, key: str, text: str) -> None:
        await self.db.notes.replace_one({"_id": key}, {"text": text}, upsert=True, session=self.session)


def writing_notes(
    note: Callable[[str], Awaitable[str | None]],
) -> Callable[[], Awaitable[OwnWrite[NotesTransaction]]]:
    async def own_write() -> OwnWrite[NotesTransaction]:
        key = str(uuid.uuid4())
        return OwnWrite(write=lambda tx: tx.notes.put(key, "written"), state=lambda: note(key))

    return own_write


def in_memory() -> UnitOfWork[NotesTransaction]:
    notebook = InMemoryNotebook()
    return UnitOfWork(notebook, notebook.relayed, writing_notes(notebook.note))


def in_mongo(mongo: MongoClient, db: AsyncDatabase[Document]) -> UnitOfWork[NotesTransaction]:
    outbox, inbox = StoredOutbox(db.outbox), StoredInbox(db.inbox)

    def begin(session: Session) -> NotesTransaction:
        return NotesTransaction(
            SessionNotes(db, session), SessionOutbox(outbox, session), SessionInbox(inbox, session)
        )

    async def note(key: str) -> str | None:
        found = await db.notes.find_one({"_id": key})
        return str(found["text"]) if found else None

    transactions = MongoTransactions(mongo, begin)
    return UnitOfWork(transactions, relayed_from(db, outbox="outbox"), writing_notes(note))


@pytest.fixture(params=["fake", pytest.param("mongo", marks=pytest.mark.integration)])
def unit_of_work(request: pytest.FixtureRequest) -> UnitOfWork[NotesTransaction]:
    if request.param == "fake":
        return in_memory()
    return in_mongo(request.getfixturevalue("mongo"), request.getfixturevalue("db"))


class TestUnitOfWork(UnitOfWorkContract[NotesTransaction]):
    pass
