"""The ReceiptReader's contract, held against the in-memory fake and the MongoDB adapter alike
(the real MongoDB of the local stack, a database of its own, dropped after). The receipts
service writes ``receipts``; here a test writes it the same way (``to_document``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.adapters.receipts import MongoReceipts
from casia_intake.service.ports import ReceiptReader
from casia_read_models import ReceiptStatus, StoredReceipt
from casia_runtime.mongo import Document

from ..builders import T0, stored_receipt
from ..fakes import InMemoryReceipts

NUMBER = "CAS-2026-0000042"


@dataclass(frozen=True, kw_only=True)
class Backend:
    receipts: ReceiptReader
    store: Callable[[StoredReceipt], Awaitable[None]]
    """Store a receipt as the receipts service does (intake never writes receipts)."""


def in_memory() -> Backend:
    receipts = InMemoryReceipts()

    async def store(stored: StoredReceipt) -> None:
        receipts.add(stored)

    return Backend(receipts=receipts, store=store)


def in_mongo(db: AsyncDatabase[Document]) -> Backend:
    async def store(stored: StoredReceipt) -> None:
        await db[StoredReceipt.COLLECTION].insert_one(stored.to_document())

    return Backend(receipts=MongoReceipts(db), store=store)


@pytest.fixture(params=["fake", pytest.param("mongo", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "fake":
        return in_memory()
    return in_mongo(request.getfixturevalue("db"))


async def stored(backend: Backend, *receipts: StoredReceipt) -> list[StoredReceipt]:
    for receipt in receipts:
        await backend.store(receipt)
    return list(receipts)


async def test_a_cases_issued_receipts_come_oldest_first_and_whole(backend: Backend) -> None:
    later, first = await stored(
        backend,
        stored_receipt(NUMBER, issued_at=T0 + timedelta(hours=2)),
        stored_receipt(NUMBER, issued_at=T0 + timedelta(minutes=1)),
    )

    found = await backend.receipts.of_case(NUMBER)

    assert [r.receipt for r in found] == [first, later]
    assert found[0].pdf == first.pdf
    assert (found[0].pdf_sha256, found[0].issued_at) == (first.pdf_sha256, first.issued_at)


async def test_receipts_issued_at_the_same_time_come_in_the_order_of_their_ids(backend: Backend) -> None:
    receipts = await stored(backend, *(stored_receipt(NUMBER, issued_at=T0) for _ in range(5)))

    found = await backend.receipts.of_case(NUMBER)

    assert [r.receipt_id for r in found] == sorted(r.receipt_id for r in receipts)


async def test_receipts_not_issued_and_other_cases_receipts_are_not_listed(backend: Backend) -> None:
    [issued] = await stored(backend, stored_receipt(NUMBER))
    await stored(
        backend,
        stored_receipt("CAS-2026-0000043"),
        *(stored_receipt(NUMBER, status=s) for s in (ReceiptStatus.WAITING, ReceiptStatus.READY)),
    )

    found = await backend.receipts.of_case(NUMBER)

    assert [r.receipt_id for r in found] == [issued.receipt_id]
    assert await backend.receipts.of_case("CAS-2026-0000044") == []


async def test_an_issued_receipt_is_found_by_id_by_cea_and_by_pdf_fingerprint(backend: Backend) -> None:
    [receipt] = await stored(backend, stored_receipt(NUMBER))
    assert receipt.pdf_sha256 is not None

    found = [
        await backend.receipts.get(receipt.receipt_id),
        await backend.receipts.by_cea(receipt.cea),
        await backend.receipts.by_pdf_sha256(receipt.pdf_sha256),
    ]

    assert [r.receipt if r else None for r in found] == [receipt] * 3


async def test_a_receipt_not_issued_is_found_by_nothing(backend: Backend) -> None:
    for status in (ReceiptStatus.WAITING, ReceiptStatus.READY, ReceiptStatus.VOID):
        [receipt] = await stored(backend, stored_receipt(NUMBER, status=status))

        assert await backend.receipts.get(receipt.receipt_id) is None
        assert await backend.receipts.by_cea(receipt.cea) is None


async def test_unknown_keys_find_nothing(backend: Backend) -> None:
    await stored(backend, stored_receipt(NUMBER))

    assert await backend.receipts.get("rcp-unknown") is None
    assert await backend.receipts.by_cea("0000-0000-0000-0000") is None
    assert await backend.receipts.by_cea("") is None
    assert await backend.receipts.by_pdf_sha256("0" * 64) is None
