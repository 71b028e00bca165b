"""Domain events: what happened to a case, in the past tense.

Each carries the case number, when it happened and who did it; the rest is what changed. The
application layer maps them (with the new case state from the same Decision) to the public
contracts.
"""

from dataclasses import dataclass
from datetime import datetime

from casia_workflow.domain.case import Actor, Case, Classification, Document, Person
from casia_workflow.domain.ids import CaseNumber, DocumentId


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    case_number: CaseNumber
    at: datetime
    actor: Actor


@dataclass(frozen=True, kw_only=True)
class CaseOpened(DomainEvent):
    case: Case  # the case as opened: receipts and notices need most of it


@dataclass(frozen=True, kw_only=True)
class InformationAdded(DomainEvent):
    text: str  # "" when only documents were added
    documents: tuple[Document, ...]  # the newly attached ones, pending


@dataclass(frozen=True, kw_only=True)
class CaseReclassified(DomainEvent):
    classification: Classification
    previous_classification: Classification


@dataclass(frozen=True, kw_only=True)
class AnnulmentRequested(DomainEvent):
    reason: str | None


@dataclass(frozen=True, kw_only=True)
class CaseAnnulled(DomainEvent):
    reason: str | None  # the autorizado's, from the request
    automatic: bool  # True when requested from submitted (no clerk involved)


@dataclass(frozen=True, kw_only=True)
class AnnulmentRejected(DomainEvent):
    reason: str


@dataclass(frozen=True, kw_only=True)
class CaseAssigned(DomainEvent):
    assignee: Person


@dataclass(frozen=True, kw_only=True)
class CaseEscalated(DomainEvent):
    observations: str


@dataclass(frozen=True, kw_only=True)
class InformationRequested(DomainEvent):
    message: str
    deadline: datetime | None  # closure ex officio from then on; None for trámite (never closed so)
    documents: tuple[Document, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ReclassificationRequested(DomainEvent):
    message: str


@dataclass(frozen=True, kw_only=True)
class CaseResolved(DomainEvent):
    answer: str
    documents: tuple[Document, ...]  # attached with the resolution, pending


@dataclass(frozen=True, kw_only=True)
class CaseClosedExOfficio(DomainEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class CaseRated(DomainEvent):
    score: int
    observations: str


@dataclass(frozen=True, kw_only=True)
class CaseDocumentStored(DomainEvent):
    document_id: DocumentId
    sha256: str


@dataclass(frozen=True, kw_only=True)
class CaseDocumentRejected(DomainEvent):
    document_id: DocumentId
    reason_code: str
    reason: str
