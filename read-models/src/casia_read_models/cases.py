"""The case as the workflow stores it in ``cases`` and intake serves it (API.md case detail).

The workflow (sole writer) builds it from its domain case; intake reads it. It carries the
Spanish labels of status and substatus next to their identifiers, and ``closure_due_at`` for the
automatic-closure timer's index. A resolution names its documents by id: they are among the
case's ``documents``.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime

from casia_contracts.values import ActorKind, CaseType, Channel, DocumentStatus, Status, Substatus
from casia_read_models.base import Stored, StoredDocumentModel


class StoredPerson(Stored):
    nif: str
    name: str


class StoredActor(Stored):
    """An autorizado, a clerk, or the system (no NIF, no name)."""

    kind: ActorKind
    nif: str | None = None
    name: str | None = None


class StoredAuthorization(Stored):
    number: str
    holder_nif: str
    business_name: str


class StoredDocument(Stored):
    document_id: str
    document_type: str
    title: str
    file_name: str
    size_bytes: int
    content_type: str
    attached_at: AwareDatetime
    attached_by: StoredActor
    status: DocumentStatus
    sha256: str | None = None
    rejection_reason: str | None = None


class StoredHistoryEntry(Stored):
    status: Status
    status_label: str
    substatus: Substatus
    substatus_label: str
    at: AwareDatetime
    actor: StoredActor
    observations: str


class StoredInformation(Stored):
    text: str
    at: AwareDatetime
    by: StoredActor


class StoredResolution(Stored):
    answer: str
    at: AwareDatetime
    by: StoredActor
    document_ids: list[str]
    """Ids among the case's ``documents``."""


class StoredRating(Stored):
    score: int
    observations: str
    at: AwareDatetime


class StoredCase(StoredDocumentModel):
    COLLECTION: ClassVar[str] = "cases"
    KEY: ClassVar[str] = "case_number"

    case_number: str
    authorization: StoredAuthorization
    opened_by: StoredPerson
    channel: Channel
    opened_at: AwareDatetime
    case_type: CaseType
    subject: str
    category: str
    subcategory: str | None
    affects_current_period: bool
    title: str
    description: str
    additional_data: dict[str, str]
    documents: list[StoredDocument]
    status: Status
    status_label: str
    substatus: Substatus
    substatus_label: str
    substatus_at: AwareDatetime
    assignee: StoredPerson | None
    history: list[StoredHistoryEntry]
    information: list[StoredInformation]
    annulment_reason: str | None
    resolution: StoredResolution | None
    rating: StoredRating | None
    closure_due_at: AwareDatetime | None
    """When the automatic closure is due (None when it never will as the case stands)."""
    version: int

    def resolution_documents(self) -> list[StoredDocument]:
        """The documents the resolution names, in the order they were attached."""
        named = set(self.resolution.document_ids) if self.resolution else set()
        return [document for document in self.documents if document.document_id in named]
