"""The receipts service's collections: ``receipts`` (single writer), its outbox and inbox; the
workflow's ``cases`` (read)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from casia_read_models import ReceiptStatus, StoredCase, StoredReceipt
from casia_runtime.inbox import Inbox, create_inbox_indexes
from casia_runtime.mongo import Document, MongoClient, Session, first_writer_wins
from casia_runtime.outbox import Outbox, create_outbox_indexes
from casia_runtime.unit_of_work import MongoTransactions, SessionInbox, SessionOutbox

OUTBOX = "receipts_outbox"
INBOX = "receipts_inbox"


@dataclass(frozen=True, slots=True)
class SessionReceipts:
    db: AsyncDatabase[Document]
    session: Session

    async def add(self, receipt: StoredReceipt) -> None:
        with first_writer_wins(receipt.receipt_id):
            await self.db[StoredReceipt.COLLECTION].insert_one(receipt.to_document(), session=self.session)

    async def waiting_for(self, case_number: str, document_id: str) -> list[StoredReceipt]:
        query = {
            "case_number": case_number,
            "status": ReceiptStatus.WAITING.value,
            "documents.document_id": document_id,
        }
        found = self.db[StoredReceipt.COLLECTION].find(query, session=self.session)
        return [StoredReceipt.from_document(d) async for d in found]

    async def replace(self, receipt: StoredReceipt) -> None:
        await self.db[StoredReceipt.COLLECTION].replace_one(
            {"_id": receipt.receipt_id}, receipt.to_document(), session=self.session
        )

    async def mark_issued(self, receipt: StoredReceipt) -> bool:
        result = await self.db[StoredReceipt.COLLECTION].replace_one(
            {"_id": receipt.receipt_id, "status": ReceiptStatus.READY.value},
            receipt.to_document(),
            session=self.session,
        )
        return result.modified_count == 1


@dataclass(frozen=True, slots=True)
class SessionCases:
    db: AsyncDatabase[Document]
    session: Session

    async def get(self, case_number: str) -> StoredCase | None:
        found = await self.db[StoredCase.COLLECTION].find_one({"_id": case_number}, session=self.session)
        return StoredCase.from_document(found) if found is not None else None


@dataclass(frozen=True, slots=True)
class MongoTransaction:
    receipts: SessionReceipts
    cases: SessionCases
    outbox: SessionOutbox
    inbox: SessionInbox


def receipts_transactions(
    client: MongoClient, db: AsyncDatabase[Document]
) -> MongoTransactions[MongoTransaction]:
    outbox, inbox = Outbox(db[OUTBOX]), inbox_of(db)

    def begin(session: Session) -> MongoTransaction:
        return MongoTransaction(
            SessionReceipts(db, session),
            SessionCases(db, session),
            SessionOutbox(outbox, session),
            SessionInbox(inbox, session),
        )

    return MongoTransactions(client, begin)


class ReceiptsReader:
    """The ReceiptReader port, outside any transaction."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._receipts = db[StoredReceipt.COLLECTION]

    async def get(self, receipt_id: str) -> StoredReceipt | None:
        found = await self._receipts.find_one({"_id": receipt_id})
        return StoredReceipt.from_document(found) if found is not None else None

    async def ready(self, *, case_number: str | None = None, limit: int = 100) -> Sequence[StoredReceipt]:
        query: dict[str, str] = {"status": ReceiptStatus.READY.value}
        if case_number is not None:
            query["case_number"] = case_number
        return [StoredReceipt.from_document(d) async for d in self._receipts.find(query).limit(limit)]


def inbox_of(db: AsyncDatabase[Document]) -> Inbox:
    return Inbox(db[INBOX])


async def create_indexes(db: AsyncDatabase[Document]) -> None:
    """Also the ones the gateway reads by: CEA (unique), PDF fingerprint, a case's receipts."""
    receipts = db[StoredReceipt.COLLECTION]
    await receipts.create_index([("cea", 1)], name="by_cea", unique=True)
    await receipts.create_index([("pdf_sha256", 1)], name="by_pdf_sha256", sparse=True)
    await receipts.create_index([("case_number", 1), ("issued_at", 1)], name="by_case")
    await receipts.create_index([("status", 1)], name="by_status")
    await create_outbox_indexes(db[OUTBOX])
    await create_inbox_indexes(db[INBOX])
