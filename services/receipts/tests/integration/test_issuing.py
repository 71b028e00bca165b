"""Justificantes for real: MongoDB's receipts, outbox and inbox, MinIO's receipts bucket, the
WeasyPrint renderer. One receipt per trigger, issued once its documents are decided, also when
an issuer dies between storing the PDF and recording it."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase
from pypdf import PdfReader

from casia_contracts.cea import parse_cea
from casia_contracts.receipts import ReceiptIssued
from casia_read_models import StoredObject, StoredReceipt
from casia_receipts.adapters import mongo as store
from casia_receipts.adapters.rendering import PooledRenderer
from casia_receipts.service.desk import ReceiptDesk
from casia_receipts.service.issuing import pdf_key
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.s3 import S3Objects

from ..conftest import SETTINGS, desk_over
from ..events import added, opened, pending, received, rejected, stored, stored_case

pytestmark = pytest.mark.integration


async def receipts_of(db: AsyncDatabase[Document], case_number: str) -> list[StoredReceipt]:
    found = db[StoredReceipt.COLLECTION].find({"case_number": case_number}).sort("recorded_at", 1)
    return [StoredReceipt.from_document(d) async for d in found]


async def announced(db: AsyncDatabase[Document]) -> list[dict[str, Any]]:
    return [json.loads(e["value"])["data"] async for e in db[store.OUTBOX].find({})]


async def pdf_of(objects: S3Objects, receipt: StoredReceipt) -> bytes:
    assert receipt.pdf is not None
    into = io.BytesIO()
    assert await objects.fetch(receipt.pdf.bucket, receipt.pdf.key, into, max_bytes=10**7)
    return into.getvalue()


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_an_opened_tramite_gets_its_receipt_once_both_documents_are_decided(
    desk: ReceiptDesk, db: AsyncDatabase[Document], objects: S3Objects
) -> None:
    first, second = pending("Nómina"), pending("Contrato")
    case = opened([first, second])
    await desk.handle(received(case))
    await desk.handle(received(stored(case, first, 2)))
    [waiting] = await receipts_of(db, case.case_number)
    assert waiting.status == "waiting" and await announced(db) == []

    decided = stored(case, second, 3)
    await desk.handle(received(decided))

    [receipt] = await receipts_of(db, case.case_number)
    assert receipt.status == "issued" and receipt.issued_at == decided.occurred_at
    assert parse_cea(receipt.cea) == receipt.cea
    pdf = await pdf_of(objects, receipt)
    text = text_of(pdf)
    for expected in (case.case_number, receipt.cea, "Justificante de solicitud de trámite", "02/03/2026"):
        assert expected in text
    for document in receipt.listed():
        assert document.sha256 is not None and document.sha256 in text
    [issued] = await announced(db)
    assert ReceiptIssued.model_validate(issued).pdf_sha256 == receipt.pdf_sha256


async def test_a_consulta_gets_no_receipt_and_a_redelivered_event_changes_nothing(
    desk: ReceiptDesk, db: AsyncDatabase[Document]
) -> None:
    consulta = opened([], case_type=opened([]).case_type.CONSULTA)
    inbox_before = await db[store.INBOX].count_documents({})
    await desk.handle(received(consulta))
    assert await receipts_of(db, consulta.case_number) == []
    assert await db[store.INBOX].count_documents({}) == inbox_before  # ignored: not even recorded

    tramite = received(opened([]))
    await desk.handle(tramite)
    await desk.handle(tramite)
    assert len(await announced(db)) == 1


async def test_an_issuer_that_died_after_storing_the_pdf_is_followed_by_one_receipt_with_the_same_bytes(
    mongo: MongoClient, db: AsyncDatabase[Document], objects: S3Objects, renderer: PooledRenderer
) -> None:
    class DiesAfterStoring:
        async def put(self, *args: Any, **kwargs: Any) -> None:
            await objects.put(*args, **kwargs)
            raise SystemExit("died after storing the PDF, before recording it")

    case = opened([])
    dying = desk_over(mongo, db, pdfs=DiesAfterStoring(), renderer=renderer)
    with pytest.raises(SystemExit):
        await dying.handle(received(case))
    [ready] = await receipts_of(db, case.case_number)
    assert ready.status == "ready" and await announced(db) == []
    where = StoredObject(bucket=SETTINGS.receipts_bucket, key=pdf_key(ready))
    first_bytes = await pdf_of(objects, ready.model_copy(update={"pdf": where}))

    assert await desk_over(mongo, db, pdfs=objects, renderer=renderer).issue_ready() == 1

    [receipt] = await receipts_of(db, case.case_number)
    assert receipt.status == "issued" and await pdf_of(objects, receipt) == first_bytes
    assert len(await announced(db)) == 1


async def test_documents_added_later_get_a_complementary_receipt_and_all_refused_get_none(
    desk: ReceiptDesk, db: AsyncDatabase[Document], objects: S3Objects
) -> None:
    case = opened([])
    await db.cases.insert_one(stored_case(case).to_document())
    await desk.handle(received(case))
    later, refused = pending("Anexo"), pending("Cifrado")
    await desk.handle(received(added(case, [later], 2)))
    await desk.handle(received(stored(case, later, 3)))
    await desk.handle(received(added(case, [refused], 4)))
    await desk.handle(received(rejected(case, refused, 5)))

    opening, complementary, void = await receipts_of(db, case.case_number)
    assert (opening.kind, opening.status) == ("solicitud_tramite", "issued")
    assert (complementary.kind, complementary.status) == ("documentacion_complementaria", "issued")
    assert (void.kind, void.status) == ("documentacion_complementaria", "void")
    text = text_of(await pdf_of(objects, complementary))
    assert "Justificante de documentación complementaria anexada" in text and "Anexo" in text
    assert len({opening.cea, complementary.cea}) == 2
    assert len(await announced(db)) == 2
