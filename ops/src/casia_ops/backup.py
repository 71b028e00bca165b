"""``casia-ops backup``: the CASIA database read at one point in time, then every object of the
CASIA buckets, into a directory with a manifest (:mod:`casia_ops.archive`)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from minio import Minio
from minio.error import S3Error
from pymongo import MongoClient
from pymongo.client_session import ClientSession
from pymongo.database import Database

from casia_ops.archive import (
    CHUNK_BYTES,
    FORMAT,
    MANIFEST,
    PARTIAL,
    RAW,
    DocumentDigest,
    Manifest,
    Refused,
    StoredCollection,
    StoredObject,
    copy_hashing,
    to_ejson,
    tool,
    user_metadata,
)


@dataclass(frozen=True)
class Source:
    """What to back up: a database and buckets (the live ones, or a test's own)."""

    database: str
    buckets: tuple[str, ...]


def take_backup(directory: Path, *, mongo: MongoClient[Any], s3: Minio, source: Source) -> Manifest:
    """Write a complete backup to ``directory`` (which must not exist), by way of
    ``<directory>.partial``; leftovers of an earlier crashed attempt there are removed first.
    Reads only: neither the database nor the buckets change."""
    if directory.exists():
        raise Refused(f"{directory} exists: a backup goes to a new directory")
    absent = [bucket for bucket in source.buckets if not s3.bucket_exists(bucket)]
    if absent:
        raise Refused(f"no such bucket: {', '.join(absent)}")
    partial = directory.with_name(directory.name + PARTIAL)
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    started_at = datetime.now(UTC)
    # MongoDB first, then the objects. Every service writes an object before the record that
    # points to it (an upload before its command, a promoted document before its row, a receipt's
    # PDF before the receipt), so an object that a record in the snapshot names already existed
    # at the snapshot and is among those copied afterwards. The other order would copy records
    # written after the buckets were listed, whose objects the backup does not have.
    snapshot_at, collections = dump_database(mongo[source.database], partial)
    buckets = {bucket: dump_bucket(s3, bucket, partial) for bucket in source.buckets}
    manifest = Manifest(
        format=FORMAT,
        tool=tool(),
        database=source.database,
        started_at=started_at,
        snapshot_at=snapshot_at,
        finished_at=datetime.now(UTC),
        collections=collections,
        buckets=buckets,
    )
    with (partial / MANIFEST).open("wb") as out:
        out.write(manifest.model_dump_json(indent=1).encode())
        _sync(out)
    partial.rename(directory)
    _sync_directory(directory.parent)
    return manifest


def dump_database(db: Database[Any], root: Path) -> tuple[datetime | None, list[StoredCollection]]:
    """Every collection (views as definitions) as of one snapshot; the snapshot's cluster time.

    ``listCollections`` and ``listIndexes`` do not accept snapshot reads, so the catalogue is
    read just before the snapshot (services create their indexes at start-up, not while running).
    The snapshot lasts ``minSnapshotHistoryWindowInSeconds`` (300 s by default): a database that
    takes longer to read fails with SnapshotTooOld and the backup must be taken again."""
    (root / "mongo").mkdir()
    listed = [info for info in db.list_collections() if not info["name"].startswith("system.")]
    with db.client.start_session(snapshot=True) as session:
        snapshot_at = _pin_snapshot(db, session, listed)
        collections = [
            dump_collection(db, info, session, f"mongo/{number:04d}.bson", root=root)
            for number, info in enumerate(listed)
        ]
    return snapshot_at, collections


def _pin_snapshot(db: Database[Any], session: ClientSession, listed: list[Any]) -> datetime | None:
    """The snapshot's time is that of the session's first read; make one to learn it."""
    tables = [info["name"] for info in listed if info.get("type", "collection") != "view"]
    if not tables:
        return None
    next(iter(db[tables[0]].find({}, session=session, limit=1)), None)
    return session.operation_time.as_datetime() if session.operation_time else None


def dump_collection(
    db: Database[Any], info: Any, session: ClientSession, file: str, *, root: Path
) -> StoredCollection:
    """One collection's documents in ``_id`` order, as the server's BSON, with its indexes."""
    name, kind = str(info["name"]), str(info.get("type", "collection"))
    options = to_ejson(info.get("options", {}))
    digest = DocumentDigest()
    if kind == "view":
        return StoredCollection(
            name=name, type=kind, documents=0, sha256=digest.sha256, file=None, options=options, indexes=[]
        )
    collection = db.get_collection(name, codec_options=RAW)
    indexes = [to_ejson(spec) for spec in collection.list_indexes()]
    with (root / file).open("wb") as out:
        for document in collection.find({}, session=session, sort=[("_id", 1)]):
            out.write(document.raw)
            digest.add(document.raw)
        _sync(out)
    return StoredCollection(
        name=name,
        type=kind,
        documents=digest.count,
        sha256=digest.sha256,
        file=file,
        options=options,
        indexes=indexes,
    )


def dump_bucket(s3: Minio, bucket: str, root: Path) -> list[StoredObject]:
    """Every object of the bucket, streamed to a file each, with its content type and metadata."""
    (root / "objects" / bucket).mkdir(parents=True)
    stored: list[StoredObject] = []
    for listed in s3.list_objects(bucket, recursive=True):
        copied = copy_object(s3, bucket, str(listed.object_name), f"objects/{bucket}/{len(stored):06d}", root)
        if copied is not None:
            stored.append(copied)
    return stored


def copy_object(s3: Minio, bucket: str, key: str, file: str, root: Path) -> StoredObject | None:
    """One object into ``root/file``; None if it was deleted since the bucket was listed."""
    try:
        response = s3.get_object(bucket, key)
    except S3Error as error:
        if error.code == "NoSuchKey":
            return None
        raise
    try:
        with (root / file).open("wb") as out:
            size, sha256 = copy_hashing(response.stream(CHUNK_BYTES), out)
            _sync(out)
        headers = response.headers
        return StoredObject(
            key=key,
            size=size,
            sha256=sha256,
            content_type=headers.get("Content-Type", "application/octet-stream"),
            metadata=user_metadata(headers),
            file=file,
        )
    finally:
        response.close()
        response.release_conn()


def _sync(out: BinaryIO) -> None:
    out.flush()
    os.fsync(out.fileno())


def _sync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
