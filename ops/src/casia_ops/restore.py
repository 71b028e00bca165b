"""``casia-ops restore``: a backup (:mod:`casia_ops.archive`) into an empty database and empty
buckets — the live names, or others for a rehearsal. Services are stopped meanwhile
(docs/operations.md says what happens with Kafka)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from bson.raw_bson import RawBSONDocument
from minio import Minio
from minio.deleteobjects import DeleteObject
from pymongo import MongoClient
from pymongo.database import Database

from casia_ops.archive import (
    RAW,
    USER_METADATA,
    Manifest,
    Refused,
    StoredCollection,
    StoredObject,
    bson_file,
    copy_hashing,
    document_digest,
    file_chunks,
    from_ejson,
    read_manifest,
)
from casia_runtime.s3 import PART_BYTES

BATCH_DOCUMENTS: Final = 1000
BATCH_BYTES: Final = 8 * 1024 * 1024
NOT_SYSTEM: Final = {"name": {"$not": {"$regex": r"^system\."}}}


@dataclass(frozen=True)
class Target:
    """Where a backup is restored to, or verified against: by default the names it came from;
    ``database`` and ``bucket_prefix`` (prepended to each bucket's name) point elsewhere."""

    database: str | None = None
    bucket_prefix: str = ""

    def database_for(self, manifest: Manifest) -> str:
        return self.database or manifest.database

    def bucket_for(self, bucket: str) -> str:
        return self.bucket_prefix + bucket


def restore_backup(
    directory: Path, *, mongo: MongoClient[Any], s3: Minio, target: Target, drop: bool = False
) -> dict[str, Any]:
    """Recreate the backup's collections (options, indexes, then documents) and objects.

    Refused, with nothing changed, when the backup is unfinished or damaged, or when the
    database has collections or a bucket has objects, unless ``drop``: then the database is
    dropped and those buckets emptied first."""
    manifest = read_manifest(directory)
    damaged = damaged_files(directory, manifest)
    if damaged:
        raise Refused(f"{directory} is damaged, nothing restored: {'; '.join(damaged[:10])}")
    db = mongo[target.database_for(manifest)]
    buckets = {bucket: target.bucket_for(bucket) for bucket in manifest.buckets}
    occupied = _occupied(db, s3, buckets.values())
    if occupied and not drop:
        raise Refused(f"not empty: {', '.join(occupied)}; restore into empty ones, or pass --drop")
    if drop:
        mongo.drop_database(db.name)
        for bucket in buckets.values():
            empty_bucket(s3, bucket)
    # Views last: a view is defined over collections (or other views, in the order listed).
    ordered = sorted(manifest.collections, key=lambda stored: stored.type == "view")
    documents = sum(restore_collection(db, stored, directory) for stored in ordered)
    restored = sum(
        len(restore_bucket(s3, buckets[b], objects, directory)) for b, objects in manifest.buckets.items()
    )
    return {
        "restored": str(directory),
        "database": db.name,
        "buckets": list(buckets.values()),
        "collections": len(manifest.collections),
        "documents": documents,
        "objects": restored,
    }


def damaged_files(directory: Path, manifest: Manifest) -> list[str]:
    """Each backup file whose count, size or SHA-256 is not the manifest's (reads them all)."""
    damaged: list[str] = []
    for stored in manifest.collections:
        if stored.file is None:
            continue
        path = directory / stored.file
        try:
            digest = document_digest(bson_file(path))
        except (OSError, ValueError) as error:
            damaged.append(f"collection {stored.name}: {error}")
            continue
        if (digest.count, digest.sha256) != (stored.documents, stored.sha256):
            damaged.append(f"collection {stored.name}: {stored.file} is not what was backed up")
    for bucket, objects in manifest.buckets.items():
        for stored_object in objects:
            path = directory / stored_object.file
            found = copy_hashing(file_chunks(path)) if path.is_file() else None
            if found != (stored_object.size, stored_object.sha256):
                damaged.append(
                    f"object {bucket}/{stored_object.key}: {stored_object.file} differs or is missing"
                )
    return damaged


def _occupied(db: Database[Any], s3: Minio, buckets: Iterable[str]) -> list[str]:
    occupied = [f"database {db.name}"] if db.list_collection_names(filter=NOT_SYSTEM) else []
    for bucket in buckets:
        if s3.bucket_exists(bucket) and next(iter(s3.list_objects(bucket, recursive=True)), None):
            occupied.append(f"bucket {bucket}")
    return occupied


def empty_bucket(s3: Minio, bucket: str) -> None:
    """Delete every object of the bucket (the bucket and its settings stay)."""
    if not s3.bucket_exists(bucket):
        return
    keys = (DeleteObject(listed.object_name) for listed in s3.list_objects(bucket, recursive=True))
    failed = [f"{error.name}: {error.message}" for error in s3.remove_objects(bucket, keys)]
    if failed:
        raise RuntimeError(f"cannot empty bucket {bucket}: {'; '.join(failed[:5])}")


def restore_collection(db: Database[Any], stored: StoredCollection, directory: Path) -> int:
    """Create the collection with its options and indexes (TTL, partial, unique...), then insert
    its documents as they were backed up; the number inserted."""
    db.command({"create": stored.name, **from_ejson(stored.options)})
    indexes = [
        spec
        for spec in map(from_ejson, stored.indexes)
        if spec.get("name") != "_id_" and not spec.get("clustered")
    ]
    if indexes:
        db.command({"createIndexes": stored.name, "indexes": indexes})
    if stored.file is None:
        return 0
    collection = db.get_collection(stored.name, codec_options=RAW)
    inserted = 0
    for batch in batches(bson_file(directory / stored.file)):
        # A validator added since the backup must not reject what the database held then.
        collection.insert_many(batch, ordered=True, bypass_document_validation=True)
        inserted += len(batch)
    return inserted


def batches(documents: Iterable[RawBSONDocument]) -> Iterator[list[RawBSONDocument]]:
    """At most BATCH_DOCUMENTS documents or about BATCH_BYTES bytes at a time."""
    batch: list[RawBSONDocument] = []
    size = 0
    for document in documents:
        batch.append(document)
        size += len(document.raw)
        if len(batch) >= BATCH_DOCUMENTS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def restore_bucket(s3: Minio, bucket: str, objects: list[StoredObject], directory: Path) -> list[str]:
    """Create the bucket if missing and upload each object from its file (in parts, streamed),
    with its content type and user metadata; the keys written."""
    if not s3.bucket_exists(bucket):
        s3.make_bucket(bucket)
    for stored in objects:
        with (directory / stored.file).open("rb") as source:
            s3.put_object(
                bucket,
                stored.key,
                source,
                stored.size,
                content_type=stored.content_type,
                # Prefixed here so that no name is mistaken for a standard header.
                metadata={USER_METADATA + name: value for name, value in stored.metadata.items()} or None,
                part_size=PART_BYTES,
                num_parallel_uploads=1,
            )
    return [stored.key for stored in objects]
