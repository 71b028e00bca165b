"""ReceiptReader over ``receipts`` (the receipts service's collection, which it indexes: ``cea``
unique, ``pdf_sha256``, ``(case_number, issued_at)``); intake only reads it."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.service.receipts import IssuedReceipt
from casia_read_models import ReceiptStatus, StoredReceipt
from casia_runtime.mongo import Document

ISSUED: dict[str, Any] = {"status": ReceiptStatus.ISSUED.value}


class MongoReceipts:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._receipts = db[StoredReceipt.COLLECTION]

    async def of_case(self, case_number: str) -> list[IssuedReceipt]:
        cursor = self._receipts.find({"case_number": case_number, **ISSUED}).sort(
            [("issued_at", 1), ("_id", 1)]
        )
        found = [_issued(document) async for document in cursor]
        return [receipt for receipt in found if receipt is not None]

    async def get(self, receipt_id: str) -> IssuedReceipt | None:
        return await self._one({"_id": receipt_id})

    async def by_cea(self, cea: str) -> IssuedReceipt | None:
        return await self._one({"cea": cea})

    async def by_pdf_sha256(self, sha256: str) -> IssuedReceipt | None:
        return await self._one({"pdf_sha256": sha256})

    async def _one(self, selector: dict[str, Any]) -> IssuedReceipt | None:
        found = await self._receipts.find_one({**selector, **ISSUED})
        return _issued(found) if found is not None else None


def _issued(document: dict[str, Any]) -> IssuedReceipt | None:
    return IssuedReceipt.of(StoredReceipt.from_document(document))
