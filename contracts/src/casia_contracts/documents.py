"""Document commands and events: storing an uploaded file (documents service).

Intake streams an upload into the quarantine bucket and names it in the case command that attaches
it (``DocumentRef.upload``); the workflow, in the transaction that accepts the document onto the
case, sends ``StoreDocument`` on ``casia.documents.commands.v1`` (so a document is stored only if
a case took it, and always if one did); the documents service checks the content, fingerprints it and
promotes it into the documents bucket, then emits ``DocumentStored`` or ``DocumentRejected`` on
``casia.documents.events.v1``. The workflow turns those into ``CaseDocumentStored`` /
``CaseDocumentRejected``. Only object references travel, never bytes.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import NonNegativeInt

from casia_contracts import topics
from casia_contracts.base import AuthorizationNumber, Message, NonBlankStr, Sha256Hex
from casia_contracts.values import ObjectRef, PersonRef


class StoreDocument(Message):
    """Check and store the file uploaded to ``quarantine`` as document ``document_id`` of a case.

    ``file_name``, ``declared_content_type`` and ``size_bytes`` are what the uploader declared;
    ``document_type`` is a catalog code. Handled once per ``document_id`` (idempotent).
    """

    message_type: ClassVar[str] = "es.casia.document.command.store"
    topic: ClassVar[str] = topics.DOCUMENT_COMMANDS

    document_id: NonBlankStr
    authorization_number: AuthorizationNumber
    quarantine: ObjectRef
    file_name: NonBlankStr
    declared_content_type: NonBlankStr
    size_bytes: NonNegativeInt
    document_type: NonBlankStr
    title: NonBlankStr
    uploaded_by: PersonRef


class DocumentStored(Message):
    """The document passed the checks and now lives at ``object``.

    ``sha256``, ``size_bytes`` and ``content_type`` are the ones measured on the stored bytes.
    """

    message_type: ClassVar[str] = "es.casia.document.stored"
    topic: ClassVar[str] = topics.DOCUMENT_EVENTS

    document_id: NonBlankStr
    object: ObjectRef
    sha256: Sha256Hex
    size_bytes: NonNegativeInt
    content_type: NonBlankStr


class DocumentRejected(Message):
    """The document failed the checks and was not stored.

    ``reason_code`` is stable for programs (e.g. ``content_type_mismatch``, ``too_large``,
    ``empty``, ``missing_upload``); ``reason`` explains it to people.
    """

    message_type: ClassVar[str] = "es.casia.document.rejected"
    topic: ClassVar[str] = topics.DOCUMENT_EVENTS

    document_id: NonBlankStr
    reason_code: NonBlankStr
    reason: NonBlankStr


DOCUMENT_MODELS: tuple[type[Message], ...] = (StoreDocument, DocumentStored, DocumentRejected)
