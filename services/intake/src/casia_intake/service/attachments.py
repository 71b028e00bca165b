"""Files that come with a request: checked, put in quarantine, and named in the command.

Every file is checked before any is kept (:mod:`casia_uploads`: name, size, declared type
against the bytes, format; then the catalog: a document type the case's classification takes),
so a refused request leaves nothing behind. The ones that pass are written to the quarantine
bucket under a new document id and become ``pending`` documents of the command; the documents
service decides them for good once the workflow has attached them. A request that ends without
its command applied discards its uploads; whatever a death leaves there is swept later.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

from casia_contracts.values import DocumentRef, DocumentStatus, ObjectRef
from casia_intake.domain.catalog import Catalog, CatalogNode, CatalogViolation, validate_upload
from casia_intake.service.commands import Outcome, Refused
from casia_runtime.logging import get_logger
from casia_uploads.formats import with_extension
from casia_uploads.inspection import Inspected, inspect_file
from casia_uploads.names import clean_file_name
from casia_uploads.refusals import FileRefused

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """One file part of a request, spooled (to disk past a small size), with what the uploader
    said of it."""

    file: BinaryIO
    file_name: str
    declared_content_type: str
    document_type: str
    title: str


@dataclass(frozen=True, slots=True)
class Attached:
    """A checked file, in quarantine: the document the command carries, and its fingerprint."""

    document: DocumentRef
    sha256: str

    def fingerprint(self) -> dict[str, Any]:
        """What a repeat of the request must match (the document id is new each time)."""
        d = self.document
        return {
            "sha256": self.sha256,
            "document_type": d.document_type,
            "title": d.title,
            "name": d.file_name,
        }


class UploadRefused(Exception):
    """File ``index`` of the request (from 0) cannot be accepted: ``reason_code`` for programs
    (``too_large``, ``content_type_mismatch``, ``unsafe_file_name``, ``catalog_violation``...),
    ``reason`` for people."""

    def __init__(self, index: int, reason_code: str, reason: str) -> None:
        super().__init__(reason)
        self.index = index
        self.reason_code = reason_code
        self.reason = reason


class Quarantine(Protocol):
    async def put(self, bucket: str, key: str, source: BinaryIO, *, size: int, content_type: str) -> None: ...

    async def remove(self, bucket: str, key: str) -> None: ...


class Attachments:
    def __init__(self, *, quarantine: Quarantine, bucket: str, catalog: Catalog, max_file_bytes: int) -> None:
        self._quarantine = quarantine
        self._bucket = bucket
        self._catalog = catalog
        self._max_file_bytes = max_file_bytes

    async def receive(self, files: Sequence[IncomingFile], *, node: CatalogNode | None) -> list[Attached]:
        """Check every file, then put each in quarantine. Raises UploadRefused for the first file
        that cannot be accepted (its name, content or document type), before anything is written."""
        checked = [await self._check(f, node, index=i) for i, f in enumerate(files)]
        attached: list[Attached] = []
        try:
            for incoming, (name, inspected) in zip(files, checked, strict=True):
                attached.append(await self._keep(incoming, name, inspected))
        except BaseException:
            await self.discard(attached)
            raise
        return attached

    async def discard(self, attached: Sequence[Attached]) -> None:
        """Remove uploads whose command will not be applied (best effort: the sweeper is there)."""
        for item in attached:
            upload = item.document.upload
            if upload is None:
                continue
            try:
                await self._quarantine.remove(upload.bucket, upload.key)
            except Exception:  # left for the sweeper
                log.warning("upload.discard_failed", document_id=item.document.document_id)

    async def settle(self, attached: Sequence[Attached], sending: Awaitable[Outcome]) -> Outcome:
        """The outcome of ``sending`` the command that carries ``attached``; its uploads are
        discarded when it was refused or could not be sent."""
        try:
            outcome = await sending
        except BaseException:
            await self.discard(attached)
            raise
        if isinstance(outcome, Refused):
            await self.discard(attached)
        return outcome

    async def _check(
        self, incoming: IncomingFile, node: CatalogNode | None, *, index: int
    ) -> tuple[str, Inspected]:
        try:
            name = clean_file_name(incoming.file_name)
            inspected = await asyncio.to_thread(
                inspect_file,
                incoming.file,
                declared_content_type=incoming.declared_content_type,
                max_bytes=self._max_file_bytes,
            )
            validate_upload(
                self._catalog,
                document_type=incoming.document_type,
                content_type=inspected.format.value,
                size_bytes=inspected.size_bytes,
                node=node,
            )
        except FileRefused as refused:
            raise UploadRefused(index, refused.code.value, refused.reason) from refused
        except CatalogViolation as violation:
            reason = " ".join(message for _field, message in violation.problems)
            raise UploadRefused(index, "catalog_violation", reason) from violation
        return with_extension(name, inspected.format), inspected

    async def _keep(self, incoming: IncomingFile, name: str, inspected: Inspected) -> Attached:
        document_id = f"doc-{uuid.uuid4().hex}"
        content_type = inspected.format.value
        await self._quarantine.put(
            self._bucket, document_id, incoming.file, size=inspected.size_bytes, content_type=content_type
        )
        document = DocumentRef(
            document_id=document_id,
            document_type=incoming.document_type,
            title=incoming.title,
            file_name=name,
            size_bytes=inspected.size_bytes,
            content_type=content_type,
            status=DocumentStatus.PENDING,
            upload=ObjectRef(bucket=self._bucket, key=document_id),
        )
        return Attached(document=document, sha256=inspected.sha256)
