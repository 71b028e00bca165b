"""The case and its value objects. All immutable: a decision returns a new case, never edits one.

Datetimes are timezone-aware (UTC) and always come from the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from casia_workflow.domain.ids import AuthorizationNumber, CaseNumber, DocumentId, Nif
from casia_workflow.domain.states import ActorKind, Status, Substatus


class CaseType(StrEnum):
    CONSULTA = "consulta"
    ERROR_INCIDENCIA = "error_incidencia"
    TRAMITE = "tramite"

    @property
    def label(self) -> str:
        return CASE_TYPE_LABELS[self]


CASE_TYPE_LABELS: Final[Mapping[CaseType, str]] = MappingProxyType(
    {
        CaseType.CONSULTA: "Consulta",
        CaseType.ERROR_INCIDENCIA: "Error/Incidencia",
        CaseType.TRAMITE: "Trámite",
    }
)


class Channel(StrEnum):
    WEB = "web"
    API = "api"


class DocumentStatus(StrEnum):
    PENDING = "pending"  # uploaded to quarantine, the documents service has not decided yet
    STORED = "stored"  # validated, fingerprinted and promoted
    REJECTED = "rejected"  # refused by content validation


AdditionalData = tuple[tuple[str, str], ...]
"""The catalog node's extra fields (CCC, NAF, NIF, period...) as ordered (name, value) pairs."""


def additional_data(values: Mapping[str, str]) -> AdditionalData:
    """Freeze a mapping of additional data, keeping its order."""
    return tuple(values.items())


@dataclass(frozen=True, kw_only=True)
class Person:
    nif: Nif
    name: str


@dataclass(frozen=True, kw_only=True)
class Actor:
    """Who did something: an autorizado, a clerk (tramitador) or the system (timers, documents)."""

    kind: ActorKind
    nif: Nif | None = None
    name: str | None = None

    @classmethod
    def autorizado(cls, person: Person) -> Actor:
        return cls(kind=ActorKind.AUTORIZADO, nif=person.nif, name=person.name)

    @classmethod
    def clerk(cls, person: Person) -> Actor:
        return cls(kind=ActorKind.TRAMITADOR, nif=person.nif, name=person.name)

    @classmethod
    def system(cls) -> Actor:
        return cls(kind=ActorKind.SYSTEM)


@dataclass(frozen=True, kw_only=True)
class Authorization:
    number: AuthorizationNumber
    holder_nif: Nif
    business_name: str  # razón social


@dataclass(frozen=True, kw_only=True)
class Classification:
    """Type and catalog codes (subject > category > subcategory); validated against the catalog by intake."""

    case_type: CaseType
    subject: str
    category: str
    subcategory: str | None = None


@dataclass(frozen=True, kw_only=True)
class Document:
    document_id: DocumentId
    document_type: str
    title: str
    file_name: str
    size_bytes: int
    content_type: str
    attached_at: datetime
    attached_by: Actor
    status: DocumentStatus = DocumentStatus.PENDING
    sha256: str | None = None  # known once stored
    rejection_reason: str | None = None  # known once rejected


@dataclass(frozen=True, kw_only=True)
class HistoryEntry:
    status: Status
    substatus: Substatus
    at: datetime
    actor: Actor
    observations: str
    """What happened, for everyone who may read the case (the autorizado included)."""
    note: str | None = None
    """Clerks' words for clerks only (an escalation's reasons, who a case was assigned to)."""


@dataclass(frozen=True, kw_only=True)
class InformationEntry:
    text: str
    at: datetime
    by: Actor


@dataclass(frozen=True, kw_only=True)
class Resolution:
    answer: str
    documents: tuple[DocumentId, ...]  # ids into Case.documents
    at: datetime
    by: Actor


@dataclass(frozen=True, kw_only=True)
class Rating:
    score: int  # 1..5
    observations: str
    at: datetime


@dataclass(frozen=True, kw_only=True)
class Case:
    """One case as the workflow service owns it. `version` starts at 1 and grows by one per change."""

    number: CaseNumber
    authorization: Authorization
    opened_by: Person
    channel: Channel
    opened_at: datetime
    classification: Classification
    affects_current_period: bool
    title: str
    description: str
    additional_data: AdditionalData
    documents: tuple[Document, ...]
    substatus: Substatus
    substatus_at: datetime
    assignee: Person | None
    history: tuple[HistoryEntry, ...]
    information: tuple[InformationEntry, ...]
    annulment_reason: str | None
    resolution: Resolution | None
    rating: Rating | None
    version: int

    @property
    def status(self) -> Status:
        return self.substatus.status

    @property
    def is_closed(self) -> bool:
        return self.status is Status.CLOSED

    def document(self, document_id: DocumentId) -> Document | None:
        """The attached document with that id, if any."""
        return next((d for d in self.documents if d.document_id == document_id), None)
