"""`casia-ops backup`, `restore` and `verify` against the real MongoDB and MinIO, on a database
and buckets of each test's own: a backup restored under other names is identical (documents to
the byte, indexes, options, objects with their metadata), verify proves it and names what was
damaged afterwards, and a restore never lands on data or comes from an unfinished backup."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from bson import Binary, Decimal128, Int64, ObjectId
from minio import Minio
from pymongo import ASCENDING, IndexModel, MongoClient
from pymongo.database import Database

from casia_ops import backup
from casia_ops.archive import RAW, user_metadata
from casia_ops.cli import main
from casia_ops.restore import empty_bucket
from casia_runtime.s3 import make_s3_client
from casia_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.integration

BIG_OBJECT = 6 * 1024 * 1024 + 123
Client = MongoClient[dict[str, Any]]


@dataclass(frozen=True)
class Names:
    """The test's own: the source database and buckets, and where restores go."""

    source_db: str
    restored_db: str
    buckets: tuple[str, str]
    prefix: str

    @property
    def restored_buckets(self) -> list[str]:
        return [self.prefix + bucket for bucket in self.buckets]


@pytest.fixture
def mongo() -> Iterator[Client]:
    client: Client = MongoClient(RuntimeSettings().mongo_uri)
    yield client
    client.close()


@pytest.fixture
def s3() -> Minio:
    return make_s3_client(RuntimeSettings())


@pytest.fixture
def names(mongo: Client, s3: Minio) -> Iterator[Names]:
    token = uuid.uuid4().hex[:8]
    made = Names(
        f"casia_bk_{token}", f"casia_rs_{token}", (f"bk{token}-documents", f"bk{token}-receipts"), "rs-"
    )
    yield made
    for database in (made.source_db, made.restored_db):
        mongo.drop_database(database)
    for bucket in (*made.buckets, *made.restored_buckets):
        if s3.bucket_exists(bucket):
            empty_bucket(s3, bucket)
            s3.remove_bucket(bucket)


@pytest.fixture
def filled(mongo: Client, s3: Minio, names: Names) -> Names:
    """The source: collections with many BSON types, a TTL, a partial and a unique index, a
    validator, an empty collection; objects with metadata, one of several MB, one empty."""
    db, now = mongo[names.source_db], datetime.now(UTC).replace(microsecond=0)
    db.create_collection("contacts", validator={"$jsonSchema": {"required": ["email"]}})
    db.create_collection("empty")
    db.contacts.insert_one({"_id": "AUT-1", "email": "a@example.es", "consent": True})
    db.cases.insert_many(
        [
            {
                "_id": ObjectId(),
                "number": f"CAS-2026-{n:07d}",
                "opened_at": now - timedelta(days=n),
                "fee": Decimal128(Decimal("12.10")),
                "version": Int64(n),
                "ratio": 0.5,
                "fingerprint": Binary(os.urandom(32)),
                "token": Binary(uuid.uuid4().bytes, 4),
                "history": [{"substatus": "submitted", "at": now}],
                "assignee": None,
                "título": "Consulta ñ",
            }
            for n in range(250)
        ]
    )
    db.idempotency_keys.create_index("created_at", name="retention", expireAfterSeconds=7 * 24 * 3600)
    db.idempotency_keys.insert_many([{"_id": f"key-{n}", "created_at": now} for n in range(30)])
    db.workflow_outbox.create_indexes(
        [
            IndexModel(
                [("published_at", ASCENDING)],
                name="published_retention",
                expireAfterSeconds=604800,
                partialFilterExpression={"published_at": {"$type": "date"}},
            ),
            IndexModel([("key", ASCENDING), ("sequence", ASCENDING)], name="pending_by_key"),
        ]
    )
    db.workflow_outbox.insert_many([{"key": "CAS-1", "sequence": n, "published_at": None} for n in range(5)])
    db.receipts.create_index("cea", name="by_cea", unique=True)
    db.receipts.insert_many([{"cea": f"CEA{n}", "issued_at": now} for n in range(10)])
    documents, receipts = names.buckets
    objects: list[tuple[str, str, bytes, str, dict[str, str | list[str] | tuple[str]]]] = [
        (documents, "CAS-1/doc-a.pdf", b"%PDF-1.4 small", "application/pdf", {"case-number": "CAS-1"}),
        (documents, "CAS-1/informe final ñ.bin", os.urandom(BIG_OBJECT), "application/octet-stream", {}),
        (documents, "CAS-2/empty.txt", b"", "text/plain", {"x-amz-meta-content-type": "not a header"}),
        (receipts, "CAS-1/rcp-1.pdf", b"%PDF-1.4 receipt", "application/pdf", {}),
    ]
    for bucket in names.buckets:
        s3.make_bucket(bucket)
    for bucket, key, data, content_type, metadata in objects:
        s3.put_object(bucket, key, BytesIO(data), len(data), content_type=content_type, metadata=metadata)
    return names


def command(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    """The exit status and the JSON printed (for a refusal: the message on stderr)."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, json.loads(out) if out.strip() else err


def back_up(capsys: pytest.CaptureFixture[str], names: Names, directory: Path) -> tuple[int, Any]:
    buckets = [arg for bucket in names.buckets for arg in ("--bucket", bucket)]
    return command(capsys, "backup", str(directory), "--database", names.source_db, *buckets)


def buckets(names: Names) -> str:
    return ", ".join(f"bucket {bucket}" for bucket in names.restored_buckets)


def elsewhere(names: Names) -> list[str]:
    return ["--database", names.restored_db, "--bucket-prefix", names.prefix]


@pytest.fixture
def restored(filled: Names, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A filled source, backed up to a directory and restored under the other names."""
    names = filled
    directory = tmp_path / "backup"
    status, summary = back_up(capsys, names, directory)
    assert status == 0, summary
    assert summary["documents"] == 1 + 250 + 30 + 5 + 10
    status, _ = command(capsys, "restore", str(directory), *elsewhere(names))
    assert status == 0
    return directory


def raw_documents(mongo: Client, database: str, collection: str) -> list[bytes]:
    db: Database[Any] = mongo[database]
    found = db.get_collection(collection, codec_options=RAW).find({}, sort=[("_id", 1)])
    return [bytes(document.raw) for document in found]


def content(s3: Minio, bucket: str, key: str) -> bytes:
    response = s3.get_object(bucket, key)
    try:
        return bytes(response.data)
    finally:
        response.close()
        response.release_conn()


def indexes(mongo: Client, database: str, collection: str) -> list[dict[str, Any]]:
    return sorted(
        ({k: v for k, v in spec.items() if k != "ns"} for spec in mongo[database][collection].list_indexes()),
        key=lambda spec: str(spec["name"]),
    )


def test_a_backup_restored_elsewhere_is_identical_and_verify_proves_it(
    mongo: Client, s3: Minio, names: Names, restored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, report = command(capsys, "verify", str(restored), *elsewhere(names))

    assert (status, report["ok"], report["problems"]) == (0, True, [])
    source, target = mongo[names.source_db], mongo[names.restored_db]
    assert sorted(target.list_collection_names()) == sorted(source.list_collection_names())
    for name in source.list_collection_names():
        assert raw_documents(mongo, names.restored_db, name) == raw_documents(mongo, names.source_db, name)
        assert indexes(mongo, names.restored_db, name) == indexes(mongo, names.source_db, name)
    assert target.contacts.options() == source.contacts.options()
    case = target.cases.find_one({"number": "CAS-2026-0000007"})
    assert case is not None
    assert (type(case["fee"]), type(case["version"]), case["token"].subtype) == (Decimal128, Int64, 4)
    for bucket in names.buckets:
        for listed in s3.list_objects(bucket, recursive=True):
            key = str(listed.object_name)
            original, copy = s3.stat_object(bucket, key), s3.stat_object(names.prefix + bucket, key)
            assert (copy.size, copy.content_type) == (original.size, original.content_type)
            assert user_metadata(copy.metadata or {}) == user_metadata(original.metadata or {})
            assert content(s3, names.prefix + bucket, key) == content(s3, bucket, key)


def test_verify_names_a_changed_document_and_a_deleted_object(
    mongo: Client, s3: Minio, names: Names, restored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = mongo[names.source_db].cases.find_one({"number": "CAS-2026-0000003"})
    assert victim is not None
    # The same number, another BSON type: equal as JSON, different as BSON.
    mongo[names.restored_db].cases.update_one({"_id": victim["_id"]}, {"$set": {"version": 3}})
    s3.remove_object(names.restored_buckets[0], "CAS-1/doc-a.pdf")

    status, report = command(capsys, "verify", str(restored), *elsewhere(names))

    assert (status, report["ok"]) == (1, False)
    problems = {
        (p.get("collection") or p["bucket"], p.get("key"), p["problem"]): p for p in report["problems"]
    }
    assert set(problems) == {
        ("cases", None, "documents differ"),
        (names.restored_buckets[0], "CAS-1/doc-a.pdf", "missing"),
    }
    changed = problems["cases", None, "documents differ"]
    assert changed["changed"] == [json.dumps({"$oid": str(victim["_id"])})]
    assert (changed["missing"], changed["unexpected"]) == ([], [])


def test_restore_refuses_a_database_or_bucket_with_data_unless_drop(
    mongo: Client, s3: Minio, names: Names, restored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mongo[names.restored_db].cases.insert_one({"_id": "written after the restore"})

    refused = command(capsys, "restore", str(restored), *elsewhere(names))

    assert refused == (
        2,
        f"casia-ops: not empty: database {names.restored_db}, {buckets(names)}; "
        "restore into empty ones, or pass --drop\n",
    )
    assert mongo[names.restored_db].cases.count_documents({"_id": "written after the restore"}) == 1
    mongo.drop_database(names.restored_db)
    assert command(capsys, "restore", str(restored), *elsewhere(names)) == (
        2,
        f"casia-ops: not empty: {buckets(names)}; restore into empty ones, or pass --drop\n",
    )

    dropped, _ = command(capsys, "restore", str(restored), *elsewhere(names), "--drop")
    verified, report = command(capsys, "verify", str(restored), *elsewhere(names))

    assert (dropped, verified, report["problems"]) == (0, 0, [])


def test_an_unfinished_or_damaged_backup_is_never_restored(
    mongo: Client,
    filled: Names,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = filled
    directory = tmp_path / "backup"

    def crash(*_: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(backup, "dump_bucket", crash)
        with pytest.raises(OSError, match="disk full"):
            back_up(capsys, names, directory)
    partial = tmp_path / "backup.partial"
    assert partial.is_dir() and not directory.exists()
    assert command(capsys, "restore", str(partial), *elsewhere(names))[0] == 2
    assert command(capsys, "restore", str(directory), *elsewhere(names))[0] == 2
    assert mongo[names.restored_db].list_collection_names() == []

    assert back_up(capsys, names, directory)[0] == 0  # the leftovers are replaced
    assert not partial.exists()
    assert back_up(capsys, names, directory)[0] == 2  # never over an existing backup
    damaged = tmp_path / "damaged"
    shutil.copytree(directory, damaged)
    with next((damaged / "objects" / names.buckets[0]).iterdir()).open("ab") as file:
        file.write(b"!")
    assert command(capsys, "restore", str(damaged), *elsewhere(names))[0] == 2
    assert mongo[names.restored_db].list_collection_names() == []


def test_the_database_is_read_as_of_one_moment(
    mongo: Client,
    filled: Names,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = filled
    source = mongo[names.source_db]
    before = {name: source[name].count_documents({}) for name in source.list_collection_names()}
    dump = backup.dump_collection

    def writing_meanwhile(*args: Any, **kwargs: Any) -> Any:
        """After each collection is read, every collection gets one more document."""
        stored = dump(*args, **kwargs)
        for name in before:
            source[name].insert_one({"written": "meanwhile", "cea": uuid.uuid4().hex, "email": "x@y.es"})
        return stored

    monkeypatch.setattr(backup, "dump_collection", writing_meanwhile)
    status, _ = back_up(capsys, names, tmp_path / "backup")

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert status == 0
    assert {c["name"]: c["documents"] for c in manifest["collections"]} == before
    assert all(source[name].count_documents({}) > count for name, count in before.items())
