"""The documents service's collections: ``documents`` (single writer), its outbox and inbox, and
the unit of work that writes them together."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from casia_read_models import StoredFile
from casia_runtime.inbox import Inbox, create_inbox_indexes
from casia_runtime.mongo import Document, MongoClient, Session, first_writer_wins
from casia_runtime.outbox import Outbox, create_outbox_indexes
from casia_runtime.unit_of_work import MongoTransactions, SessionInbox, SessionOutbox

OUTBOX = "documents_outbox"
INBOX = "documents_inbox"


@dataclass(frozen=True, slots=True)
class SessionFiles:
    """The FileRecords port within one session."""

    db: AsyncDatabase[Document]
    session: Session

    async def add(self, record: StoredFile) -> None:
        with first_writer_wins(record.document_id):
            await self.db[StoredFile.COLLECTION].insert_one(record.to_document(), session=self.session)


@dataclass(frozen=True, slots=True)
class MongoTransaction:
    files: SessionFiles
    outbox: SessionOutbox
    inbox: SessionInbox


def documents_transactions(
    client: MongoClient, db: AsyncDatabase[Document]
) -> MongoTransactions[MongoTransaction]:
    outbox, inbox = Outbox(db[OUTBOX]), inbox_of(db)

    def begin(session: Session) -> MongoTransaction:
        return MongoTransaction(
            SessionFiles(db, session), SessionOutbox(outbox, session), SessionInbox(inbox, session)
        )

    return MongoTransactions(client, begin)


def inbox_of(db: AsyncDatabase[Document]) -> Inbox:
    return Inbox(db[INBOX])


async def create_indexes(db: AsyncDatabase[Document]) -> None:
    await db[StoredFile.COLLECTION].create_index([("case_number", 1)], name="by_case")
    await create_outbox_indexes(db[OUTBOX])
    await create_inbox_indexes(db[INBOX])
