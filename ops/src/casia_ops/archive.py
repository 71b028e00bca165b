"""A backup on disk: its layout, its manifest, and the digests that backup, restore and verify
compute the same way.

    <dir>/manifest.json           written last: a directory without it is not a backup
    <dir>/mongo/<n>.bson          one collection's documents, BSON one after another (as mongodump)
    <dir>/objects/<bucket>/<n>    one object's bytes

A backup is written under ``<dir>.partial`` and renamed to ``<dir>`` once complete, so a crashed
backup is never taken for a whole one.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, BinaryIO, Final

from bson import json_util
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from pydantic import BaseModel, ConfigDict

from casia_runtime.settings import RuntimeSettings

FORMAT: Final = 1
MANIFEST: Final = "manifest.json"
PARTIAL: Final = ".partial"
CHUNK_BYTES: Final = 1024 * 1024
USER_METADATA: Final = "x-amz-meta-"
RAW: Final = CodecOptions(document_class=RawBSONDocument)
"""Documents are read and written as the server's own BSON bytes: nothing is decoded and
re-encoded, so every type (dates, ObjectIds, Decimal128, binary subtypes) survives unchanged."""


def tool() -> str:
    return f"casia-ops {version('casia-ops')}"


class Refused(Exception):
    """The command would do something unsafe or meaningless; nothing was changed (exit 2)."""


class BackupSettings(RuntimeSettings):
    """What a backup covers by default: the database ``CASIA_MONGO_DB`` and the buckets the
    services are configured with (the same ``CASIA_*_BUCKET`` variables they read)."""

    quarantine_bucket: str = "casia-quarantine"
    documents_bucket: str = "casia-documents"
    receipts_bucket: str = "casia-receipts"

    @property
    def buckets(self) -> tuple[str, ...]:
        return (self.quarantine_bucket, self.documents_bucket, self.receipts_bucket)


class StoredCollection(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    type: str
    """``collection`` or ``view`` (a view has its definition in ``options`` and no documents)."""
    documents: int
    sha256: str
    """Over the documents' BSON, one after another in ``_id`` order (:class:`DocumentDigest`)."""
    file: str | None
    options: dict[str, Any]
    """As ``listCollections`` gives them, in canonical Extended JSON (types kept)."""
    indexes: list[dict[str, Any]]
    """As ``listIndexes`` gives them (TTL, partial, unique... included), canonical Extended JSON."""


class StoredObject(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    size: int
    sha256: str
    content_type: str
    metadata: dict[str, str]
    """User metadata (``x-amz-meta-*``), names without that prefix, lower case."""
    file: str


class Manifest(BaseModel):
    format: int
    tool: str
    database: str
    started_at: datetime
    snapshot_at: datetime | None
    """The cluster time every document was read at (one snapshot); None for an empty database."""
    finished_at: datetime
    collections: list[StoredCollection]
    buckets: dict[str, list[StoredObject]]


def read_manifest(directory: Path) -> Manifest:
    """The manifest of a complete backup; :class:`Refused` for anything else (a ``.partial``
    directory is a backup that never finished)."""
    if directory.name.endswith(PARTIAL):
        raise Refused(f"{directory} is an unfinished backup ({PARTIAL}): it cannot be used")
    path = directory / MANIFEST
    if not path.is_file():
        raise Refused(f"{directory} is not a complete backup: it has no {MANIFEST}")
    manifest = Manifest.model_validate_json(path.read_bytes())
    if manifest.format != FORMAT:
        raise Refused(f"{directory} has backup format {manifest.format}; this tool reads {FORMAT}")
    return manifest


class DocumentDigest:
    """Count and SHA-256 of a collection's documents, fed their BSON in ``_id`` order."""

    def __init__(self) -> None:
        self.count = 0
        self._sha = hashlib.sha256()

    def add(self, raw: bytes | memoryview) -> None:
        self.count += 1
        self._sha.update(raw)

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()


def document_digest(documents: Iterable[RawBSONDocument]) -> DocumentDigest:
    digest = DocumentDigest()
    for document in documents:
        digest.add(document.raw)
    return digest


def bson_file(path: Path) -> Iterator[RawBSONDocument]:
    """The documents of a ``.bson`` file, one at a time (never the whole file in memory)."""
    with path.open("rb") as source:
        while header := source.read(4):
            (length,) = struct.unpack("<i", header) if len(header) == 4 else (0,)
            body = source.read(max(length - 4, 0))
            if length < 5 or len(body) != length - 4:
                raise ValueError(f"{path} ends inside a document")
            yield RawBSONDocument(header + body, RAW)


def copy_hashing(source: Iterable[bytes], into: BinaryIO | None = None) -> tuple[int, str]:
    """Total size and SHA-256 of the chunks, written to ``into`` on the way when given."""
    sha, size = hashlib.sha256(), 0
    for chunk in source:
        if into is not None:
            into.write(chunk)
        sha.update(chunk)
        size += len(chunk)
    return size, sha.hexdigest()


def file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            yield chunk


def user_metadata(headers: Mapping[str, str]) -> dict[str, str]:
    """An object's user metadata from its response headers (``x-amz-meta-*``)."""
    return {
        name.lower().removeprefix(USER_METADATA): value
        for name, value in headers.items()
        if name.lower().startswith(USER_METADATA)
    }


def to_ejson(value: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical Extended JSON: a partial filter's date stays a date, an Int64 an Int64."""
    loaded: dict[str, Any] = json.loads(json_util.dumps(value, json_options=json_util.CANONICAL_JSON_OPTIONS))
    return loaded


def from_ejson(value: Mapping[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json_util.loads(json.dumps(value), json_options=json_util.CANONICAL_JSON_OPTIONS)
    return loaded


def index_signature(spec: Mapping[str, Any]) -> str:
    """An index specification (Extended JSON) as text that compares equal for the same index:
    ``ns`` (a server detail) left out, options in name order, the key's field order kept."""
    kept = {name: spec[name] for name in sorted(spec) if name != "ns"}
    return json.dumps(kept, separators=(",", ":"))


def options_signature(options: Mapping[str, Any]) -> str:
    return json.dumps(options, sort_keys=True, separators=(",", ":"))
