"""Storing uploads for real: MinIO's quarantine and documents buckets, MongoDB's documents,
outbox and inbox. Each decided document has one record, one announcement, and no quarantine
object left; a death half-way is finished by the redelivered command."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from datetime import datetime, timedelta

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_contracts import documents as docs
from casia_contracts.values import ObjectRef, PersonRef
from casia_documents.adapters import mongo as store
from casia_documents.service.storing import DocumentKeeper
from casia_documents.service.sweeping import QuarantineSweeper
from casia_read_models import StoredFile
from casia_runtime.clock import utc_now_ms
from casia_runtime.messages import InboundMessage
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.s3 import S3Objects
from casia_runtime.testing.messages import as_received
from casia_uploads import testing as samples

from ..conftest import SETTINGS, keeper_over

pytestmark = pytest.mark.integration

QUARANTINE = SETTINGS.quarantine_bucket


async def uploaded(
    objects: S3Objects, content: bytes | None, *, declared: str = "application/pdf"
) -> InboundMessage:
    """A StoreDocument for ``content`` put in quarantine (None: nothing was uploaded)."""
    document_id = f"doc-{uuid.uuid4().hex}"
    if content is not None:
        await objects.put(
            QUARANTINE, document_id, io.BytesIO(content), size=len(content), content_type=declared
        )
    command = docs.StoreDocument(
        case_number=f"CAS-2026-{uuid.uuid4().int % 10**9:09d}",
        document_id=document_id,
        authorization_number="1234567",
        quarantine=ObjectRef(bucket=QUARANTINE, key=document_id),
        file_name="Nómina enero.pdf",
        declared_content_type=declared,
        size_bytes=len(content or b""),
        document_type="justificante",
        title="Nómina",
        uploaded_by=PersonRef(nif="12345678Z", name="Ana Pérez"),
    )
    return as_received(command, source="/casia/workflow", at=utc_now_ms())


def command_of(message: InboundMessage) -> docs.StoreDocument:
    return docs.StoreDocument.model_validate(json.loads(message.value)["data"])


async def record_of(db: AsyncDatabase[Document], document_id: str) -> StoredFile:
    found = await db[StoredFile.COLLECTION].find_one({"_id": document_id})
    assert found is not None
    return StoredFile.from_document(found)


async def announcements(db: AsyncDatabase[Document]) -> list[dict[str, object]]:
    return [json.loads(e["value"]) async for e in db[store.OUTBOX].find({})]


async def content_of(objects: S3Objects, bucket: str, key: str) -> bytes | None:
    into = io.BytesIO()
    return into.getvalue() if await objects.fetch(bucket, key, into, max_bytes=50 * 1024 * 1024) else None


async def test_a_valid_upload_is_promoted_recorded_announced_and_leaves_quarantine(
    keeper: DocumentKeeper, db: AsyncDatabase[Document], objects: S3Objects
) -> None:
    content = samples.pdf(marker="promoted")
    message = await uploaded(objects, content)
    command = command_of(message)

    await keeper.handle(message)

    record = await record_of(db, command.document_id)
    assert record.status == "stored" and record.sha256 == hashlib.sha256(content).hexdigest()
    assert record.object is not None
    assert record.object.key == f"{command.case_number}/{command.document_id}"
    assert await content_of(objects, record.object.bucket, record.object.key) == content
    assert await content_of(objects, QUARANTINE, command.document_id) is None
    [announced] = await announcements(db)
    assert announced["type"] == docs.DocumentStored.message_type
    assert announced["data"]["sha256"] == record.sha256  # type: ignore[index]


BAD_UPLOADS = {
    "wrong-magic": (samples.png(), "content_type_mismatch"),
    "encrypted": (samples.pdf(password="x"), "encrypted_pdf"),
    "missing": (None, "missing_upload"),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
async def test_a_bad_upload_is_rejected_with_its_reason_and_nothing_kept(
    keeper: DocumentKeeper, db: AsyncDatabase[Document], objects: S3Objects, case: str
) -> None:
    content, code = BAD_UPLOADS[case]
    message = await uploaded(objects, content)
    command = command_of(message)

    await keeper.handle(message)

    record = await record_of(db, command.document_id)
    assert (record.status, record.reason_code, record.object) == ("rejected", code, None)
    assert await content_of(objects, QUARANTINE, command.document_id) is None
    key = f"{command.case_number}/{command.document_id}"
    assert await content_of(objects, SETTINGS.documents_bucket, key) is None
    [announced] = await announcements(db)
    assert announced["type"] == docs.DocumentRejected.message_type
    assert announced["data"]["reason_code"] == code  # type: ignore[index]


async def test_a_redelivered_command_changes_nothing(
    keeper: DocumentKeeper, db: AsyncDatabase[Document], objects: S3Objects
) -> None:
    message = await uploaded(objects, samples.png(), declared="image/png")
    await keeper.handle(message)
    await keeper.handle(message)
    assert len(await announcements(db)) == 1
    assert await db[StoredFile.COLLECTION].count_documents({}) == 1


class DiesAfterPromoting:
    """The store as a process sees it that dies right after writing the promoted object."""

    def __init__(self, objects: S3Objects) -> None:
        self.objects = objects

    def __getattr__(self, name: str) -> object:
        return getattr(self.objects, name)

    async def put(self, *args: object, **kwargs: object) -> None:
        await self.objects.put(*args, **kwargs)  # type: ignore[arg-type]
        raise SystemExit("died after promoting, before recording")


async def test_a_death_after_promoting_is_finished_by_the_redelivery_once(
    mongo: MongoClient, db: AsyncDatabase[Document], objects: S3Objects, keeper: DocumentKeeper
) -> None:
    content = samples.jpeg()
    message = await uploaded(objects, content, declared="image/jpeg")
    command = command_of(message)
    with pytest.raises(SystemExit):
        await keeper_over(mongo, db, DiesAfterPromoting(objects)).handle(message)
    assert await db[StoredFile.COLLECTION].count_documents({}) == 0

    await keeper.handle(message)

    record = await record_of(db, command.document_id)
    assert record.status == "stored" and record.object is not None
    assert await content_of(objects, record.object.bucket, record.object.key) == content
    assert len(await announcements(db)) == 1
    assert await content_of(objects, QUARANTINE, command.document_id) is None


async def test_the_sweeper_removes_only_quarantine_objects_older_than_its_age(objects: S3Objects) -> None:
    prefix = f"sweep-{uuid.uuid4().hex}/"  # the test's own: other tests' uploads are not its to sweep
    kept = f"{prefix}upload"
    await objects.put(QUARANTINE, kept, io.BytesIO(b"x"), size=1, content_type="application/pdf")
    now = utc_now_ms()

    def sweeper_at(moment: datetime) -> QuarantineSweeper:
        age, every = timedelta(minutes=5), timedelta(minutes=1)
        return QuarantineSweeper(
            objects=objects, bucket=QUARANTINE, max_age=age, every=every, clock=lambda: moment
        )

    await sweeper_at(now).sweep()
    assert await content_of(objects, QUARANTINE, kept) == b"x"

    assert await sweeper_at(now + timedelta(minutes=6)).sweep() == 1
    assert await content_of(objects, QUARANTINE, kept) is None
