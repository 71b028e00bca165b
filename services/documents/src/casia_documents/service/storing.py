"""Store an uploaded document, once: check it, promote it from quarantine, record and announce it.

For each ``StoreDocument`` (sent by the workflow when a case took the document):
1. the quarantined object is copied to a local temporary file (never held in memory) and
   checked (:mod:`casia_uploads`): name, declared type against the bytes, format, size;
2. a file that passes is written to the documents bucket under ``<case>/<document id>`` (the
   bytes that were checked, not whatever the quarantine holds by then);
3. the record (``documents``), its event (``document.stored`` or ``document.rejected``, outbox)
   and the message id (inbox) are committed together;
4. the quarantined object is removed.
A death at any line leaves a state the redelivered command finishes: before 3 everything is
done again (the object write is an overwrite with the same bytes), after 3 only the removal.
A missing quarantine object (swept, or never uploaded) rejects the document: it is never
dropped in silence.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from casia_contracts import documents as docs
from casia_contracts.envelope import Causality, RawEvent, build_event
from casia_contracts.registry import parse_data
from casia_contracts.values import ObjectRef
from casia_documents.service.ports import AppliedMessages, ObjectStore, Transaction, Transactions
from casia_read_models import FileStatus, StoredFile, StoredObject
from casia_runtime.clock import Clock
from casia_runtime.consumer import PoisonMessage
from casia_runtime.failpoints import NONE as NO_FAILPOINTS
from casia_runtime.failpoints import Failpoints
from casia_runtime.logging import bound_correlation, get_logger
from casia_runtime.messages import InboundMessage, OutboundMessage
from casia_telemetry.metrics import DOCUMENTS_DECIDED
from casia_uploads.formats import with_extension
from casia_uploads.inspection import Inspected, inspect_file
from casia_uploads.names import clean_file_name
from casia_uploads.refusals import FileRefused, RefusalCode

log = get_logger(__name__)

SOURCE = "/casia/documents"
OUTCOME_NAMESPACE = uuid.UUID("5d0e2a61-8c4f-4f7e-9b1a-3c6d7e8f9a0b")
MISSING = FileRefused(
    RefusalCode.MISSING_UPLOAD, "El fichero no llegó a recibirse o caducó antes de comprobarse."
)


@dataclass(frozen=True, kw_only=True)
class DocumentKeeper:
    """The storing use case, with its ports (built once by the composition root)."""

    objects: ObjectStore
    transactions: Transactions
    applied: AppliedMessages
    clock: Clock
    documents_bucket: str
    max_file_bytes: int
    on_commit: Callable[[], None]
    failpoints: Failpoints = NO_FAILPOINTS

    async def handle(self, message: InboundMessage) -> None:
        """Decide the document a ``StoreDocument`` names, exactly once (see the module).

        Raises PoisonMessage for what is not a readable StoreDocument; any other error (store
        or database unreachable) is transient and the command is retried.
        """
        event, command = _parse(message)
        with bound_correlation(event.correlationid, case_number=command.case_number):
            if not await self.applied.seen(event.id):
                await self._decide(event, command)
            await self.objects.remove(command.quarantine.bucket, command.quarantine.key)

    async def _decide(self, event: RawEvent, command: docs.StoreDocument) -> None:
        with tempfile.TemporaryFile() as spool:
            try:
                file_name = clean_file_name(command.file_name)
                quarantine = command.quarantine
                found = await self.objects.fetch(
                    quarantine.bucket, quarantine.key, spool, max_bytes=self.max_file_bytes
                )
                if not found:
                    raise MISSING
                inspected = await asyncio.to_thread(_inspect, spool, command, self.max_file_bytes)
            except FileRefused as refused:
                record = self._rejected(command, refused)
            else:
                record = await self._promote(command, spool, inspected, file_name)
        self.failpoints.reach("document.promoted")
        at = self.clock()

        async def work(tx: Transaction) -> None:
            await tx.files.add(record)
            await tx.outbox.add([_announcement(event, record, at=at)])
            await tx.inbox.record(event.id, at=at)

        await self.transactions.run(work)
        self.on_commit()
        DOCUMENTS_DECIDED.labels(status=record.status).inc()
        log.info("document.decided", document_id=record.document_id, status=record.status)

    async def _promote(
        self, command: docs.StoreDocument, spool: BinaryIO, inspected: Inspected, file_name: str
    ) -> StoredFile:
        target = StoredObject(
            bucket=self.documents_bucket, key=f"{command.case_number}/{command.document_id}"
        )
        content_type = inspected.format.value
        await self.objects.put(
            target.bucket, target.key, spool, size=inspected.size_bytes, content_type=content_type
        )
        return StoredFile(
            document_id=command.document_id,
            case_number=command.case_number,
            authorization_number=command.authorization_number,
            status=FileStatus.STORED,
            file_name=with_extension(file_name, inspected.format),
            content_type=content_type,
            size_bytes=inspected.size_bytes,
            sha256=inspected.sha256,
            object=target,
            decided_at=self.clock(),
        )

    def _rejected(self, command: docs.StoreDocument, refused: FileRefused) -> StoredFile:
        log.info("document.refused", document_id=command.document_id, reason_code=refused.code)
        return StoredFile(
            document_id=command.document_id,
            case_number=command.case_number,
            authorization_number=command.authorization_number,
            status=FileStatus.REJECTED,
            file_name=command.file_name,
            content_type=command.declared_content_type,
            size_bytes=command.size_bytes,
            reason_code=refused.code.value,
            reason=refused.reason,
            decided_at=self.clock(),
        )


def _inspect(spool: BinaryIO, command: docs.StoreDocument, max_bytes: int) -> Inspected:
    return inspect_file(spool, declared_content_type=command.declared_content_type, max_bytes=max_bytes)


def _announcement(cause: RawEvent, record: StoredFile, *, at: datetime) -> OutboundMessage:
    data: docs.DocumentStored | docs.DocumentRejected
    if record.status == FileStatus.STORED and record.object is not None and record.sha256 is not None:
        data = docs.DocumentStored(
            case_number=record.case_number,
            document_id=record.document_id,
            object=ObjectRef(bucket=record.object.bucket, key=record.object.key),
            sha256=record.sha256,
            size_bytes=record.size_bytes,
            content_type=record.content_type,
        )
    else:
        data = docs.DocumentRejected(
            case_number=record.case_number,
            document_id=record.document_id,
            reason_code=record.reason_code or RefusalCode.UNREADABLE.value,
            reason=record.reason or "El documento no superó las comprobaciones.",
        )
    envelope = build_event(
        data,
        event_id=str(uuid.uuid5(OUTCOME_NAMESPACE, cause.id)),
        source=SOURCE,
        time=at,
        causality=Causality.caused_by(cause),
    )
    return OutboundMessage.from_envelope(envelope, topic=data.topic, key=data.case_number)


def _parse(message: InboundMessage) -> tuple[RawEvent, docs.StoreDocument]:
    try:
        event = RawEvent.model_validate_json(message.value)
        data = parse_data(event)
    except ValueError as error:
        raise PoisonMessage(str(error)) from error
    if not isinstance(data, docs.StoreDocument):
        raise PoisonMessage(f"the documents service does not handle {event.type}")
    return event, data
