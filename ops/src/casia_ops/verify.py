"""``casia-ops verify``: the proof that a database and buckets hold what a backup holds.

Counts and SHA-256 are recomputed from the database and the buckets themselves (never from the
backup's files) and compared with the manifest; a collection that differs is then compared
document by document with the backup's file, to name the documents."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from bson import json_util
from bson.raw_bson import RawBSONDocument
from minio import Minio
from pymongo import MongoClient
from pymongo.client_session import ClientSession
from pymongo.database import Database

from casia_ops.archive import (
    CHUNK_BYTES,
    RAW,
    StoredCollection,
    StoredObject,
    bson_file,
    copy_hashing,
    document_digest,
    index_signature,
    options_signature,
    read_manifest,
    to_ejson,
    user_metadata,
)
from casia_ops.restore import NOT_SYSTEM, Target

SHOWN: Final = 10
"""At most this many document ids named per kind of difference."""

Problem = dict[str, Any]


def verify_backup(directory: Path, *, mongo: MongoClient[Any], s3: Minio, target: Target) -> dict[str, Any]:
    """A report: ``ok`` only if every collection (options, indexes, documents) and every object
    (bytes, content type, user metadata) is the manifest's, and there is nothing else."""
    manifest = read_manifest(directory)
    db = mongo[target.database_for(manifest)]
    problems = check_database(db, manifest.collections, directory)
    objects = 0
    for bucket, stored in manifest.buckets.items():
        objects += len(stored)
        problems += check_bucket(s3, target.bucket_for(bucket), stored)
    return {
        "ok": not problems,
        "backup": str(directory),
        "snapshot_at": manifest.snapshot_at.isoformat() if manifest.snapshot_at else None,
        "database": db.name,
        "buckets": [target.bucket_for(bucket) for bucket in manifest.buckets],
        "checked": {
            "collections": len(manifest.collections),
            "documents": sum(stored.documents for stored in manifest.collections),
            "objects": objects,
        },
        "problems": problems,
    }


def check_database(db: Database[Any], collections: list[StoredCollection], directory: Path) -> list[Problem]:
    """Read as of one snapshot, like the backup, so a database in use gives a coherent answer."""
    live = {info["name"]: info for info in db.list_collections(filter=NOT_SYSTEM)}
    problems: list[Problem] = [
        {"collection": name, "problem": "not in the backup"}
        for name in sorted(set(live) - {stored.name for stored in collections})
    ]
    with db.client.start_session(snapshot=True) as session:
        for stored in collections:
            info = live.get(stored.name)
            if info is None:
                problems.append({"collection": stored.name, "problem": "missing"})
                continue
            problems += check_collection(db, stored, info, session, directory)
    return problems


def check_collection(
    db: Database[Any], stored: StoredCollection, info: Any, session: ClientSession, directory: Path
) -> list[Problem]:
    problems: list[Problem] = []
    if options_signature(to_ejson(info.get("options", {}))) != options_signature(stored.options):
        problems.append({"collection": stored.name, "problem": "options differ"})
    if stored.type == "view":
        return problems
    collection = db.get_collection(stored.name, codec_options=RAW)
    indexes = index_differences(stored.indexes, [to_ejson(spec) for spec in collection.list_indexes()])
    if indexes:
        problems.append({"collection": stored.name, "problem": "indexes differ", **indexes})
    digest = document_digest(collection.find({}, session=session, sort=[("_id", 1)]))
    if (digest.count, digest.sha256) != (stored.documents, stored.sha256):
        found = collection.find({}, session=session, sort=[("_id", 1)])
        problems.append(
            {
                "collection": stored.name,
                "problem": "documents differ",
                "expected": {"documents": stored.documents, "sha256": stored.sha256},
                "found": {"documents": digest.count, "sha256": digest.sha256},
                **document_differences(directory / stored.file if stored.file else None, found),
            }
        )
    return problems


def index_differences(expected: list[dict[str, Any]], found: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Index names missing, unexpected, or defined otherwise; empty when they are the same."""
    want = {str(spec["name"]): index_signature(spec) for spec in expected}
    have = {str(spec["name"]): index_signature(spec) for spec in found}
    differences = {
        "missing": sorted(set(want) - set(have)),
        "unexpected": sorted(set(have) - set(want)),
        "changed": sorted(name for name in set(want) & set(have) if want[name] != have[name]),
    }
    return {kind: names for kind, names in differences.items() if names}


def document_differences(backup: Path | None, found: Iterable[RawBSONDocument]) -> dict[str, list[str]]:
    """The ``_id`` (canonical Extended JSON) of documents changed, missing and unexpected, by
    comparing each document's BSON with the backup's (holds one digest per document)."""
    expected: dict[str, bytes] = {}
    if backup is not None:
        expected = {_id_of(document): _sha(document) for document in bson_file(backup)}
    changed: list[str] = []
    unexpected: list[str] = []
    for document in found:
        identity = _id_of(document)
        digest = expected.pop(identity, None)
        if digest is None:
            unexpected.append(identity)
        elif digest != _sha(document):
            changed.append(identity)
    return {"changed": changed[:SHOWN], "missing": list(expected)[:SHOWN], "unexpected": unexpected[:SHOWN]}


def _id_of(document: RawBSONDocument) -> str:
    return json_util.dumps(document["_id"], json_options=json_util.CANONICAL_JSON_OPTIONS)


def _sha(document: RawBSONDocument) -> bytes:
    return hashlib.sha256(document.raw).digest()


def check_bucket(s3: Minio, bucket: str, objects: list[StoredObject]) -> list[Problem]:
    """Each object's bytes (streamed and hashed), content type and user metadata."""
    if not s3.bucket_exists(bucket):
        return [{"bucket": bucket, "problem": "missing bucket"}]
    live = {str(listed.object_name) for listed in s3.list_objects(bucket, recursive=True)}
    problems: list[Problem] = [
        {"bucket": bucket, "key": key, "problem": "not in the backup"}
        for key in sorted(live - {stored.key for stored in objects})
    ]
    for stored in objects:
        if stored.key not in live:
            problems.append({"bucket": bucket, "key": stored.key, "problem": "missing"})
            continue
        differing = object_differences(s3, bucket, stored)
        if differing:
            problems.append({"bucket": bucket, "key": stored.key, "problem": "differs", "fields": differing})
    return problems


def object_differences(s3: Minio, bucket: str, stored: StoredObject) -> list[str]:
    response = s3.get_object(bucket, stored.key)
    try:
        size, sha256 = copy_hashing(response.stream(CHUNK_BYTES))
        found = {
            "size": size,
            "sha256": sha256,
            "content_type": response.headers.get("Content-Type", "application/octet-stream"),
            "metadata": user_metadata(response.headers),
        }
    finally:
        response.close()
        response.release_conn()
    return [name for name, value in found.items() if getattr(stored, name) != value]
