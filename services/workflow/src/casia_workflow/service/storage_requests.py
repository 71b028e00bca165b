"""The documents a decision accepted onto a case, as requests to the documents service.

Written to the outbox in the transaction that attaches them, so a document is stored if and
only if a case took it: a refused command (a closed case) asks for nothing, and its quarantined
upload is left to the documents service's sweeper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from casia_contracts import values as v
from casia_contracts.base import Message
from casia_contracts.documents import StoreDocument
from casia_workflow import domain as d


def uploads_of(data: Message) -> dict[str, v.ObjectRef]:
    """Where each document a command attaches waits in quarantine, by document id."""
    refs: Sequence[v.DocumentRef] = getattr(data, "documents", ())  # commands that attach have them
    return {ref.document_id: ref.upload for ref in refs if ref.upload is not None}


def storage_requests(
    before: d.Case | None, after: d.Case, uploads: Mapping[str, v.ObjectRef]
) -> list[StoreDocument]:
    """A StoreDocument for each document ``after`` has that ``before`` had not, in case order."""
    known = {doc.document_id for doc in before.documents} if before is not None else set()
    return [
        StoreDocument(
            case_number=after.number,
            document_id=doc.document_id,
            authorization_number=after.authorization.number,
            quarantine=uploads[doc.document_id],
            file_name=doc.file_name,
            declared_content_type=doc.content_type,
            size_bytes=doc.size_bytes,
            document_type=doc.document_type,
            title=doc.title,
            uploaded_by=v.PersonRef(nif=doc.attached_by.nif or "-", name=doc.attached_by.name or "-"),
        )
        for doc in after.documents
        if doc.document_id not in known and doc.document_id in uploads
    ]
