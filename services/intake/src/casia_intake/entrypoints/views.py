"""What the gateway shows of a case, to whom (API.md case detail and history).

The same stored case is shown to two audiences. The back office sees everything. The autorizado
sees a clerk as "Tramitador TGSS" (never a clerk's identity, in the history, the assignee or
elsewhere), no clerk's notes, and only the actions that are theirs to take.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from casia_intake.entrypoints.receipt_views import ReceiptView
from casia_read_models import StoredActor, StoredCase, StoredHistoryEntry, StoredPerson

CLERK_FOR_AUTORIZADOS: Final = "Tramitador TGSS"
AUTORIZADO_ACTIONS: Final = frozenset({"add_information", "reclassify", "request_annulment", "rate"})


class Audience(StrEnum):
    AUTORIZADO = "autorizado"
    BACKOFFICE = "backoffice"


class Person(BaseModel):
    nif: str | None = None
    name: str | None = None


class Actor(Person):
    kind: str


class AuthorizationView(BaseModel):
    number: str
    holder_nif: str
    business_name: str


class DocumentView(BaseModel):
    document_id: str
    document_type: str
    title: str
    file_name: str
    size_bytes: int
    content_type: str
    sha256: str | None = None
    status: str
    rejection_reason: str | None = None
    attached_at: datetime


class HistoryEntryView(BaseModel):
    status: str
    status_label: str
    substatus: str
    substatus_label: str
    at: datetime
    actor: Actor
    observations: str | None = None
    note: str | None = None
    """Clerks' own words (back office only)."""


class InformationView(BaseModel):
    text: str
    at: datetime


class ResolutionView(BaseModel):
    answer: str
    at: datetime
    documents: list[DocumentView] = Field(default_factory=list)


class RatingView(BaseModel):
    score: int
    observations: str | None = None
    at: datetime


class CaseSummary(BaseModel):
    """One row of a search or of the queue (guide 4.2, Opción 2): enough to choose a case; its
    number leads to the detail."""

    model_config = ConfigDict(extra="ignore")

    case_number: str
    authorization: AuthorizationView
    opened_by: Person
    opened_at: datetime
    case_type: str
    subject: str
    category: str
    subcategory: str | None = None
    affects_current_period: bool
    title: str
    status: str
    status_label: str
    substatus: str
    substatus_label: str
    substatus_at: datetime
    assignee: Person | None = None
    version: int

    @classmethod
    def of(cls, stored: StoredCase, audience: Audience) -> CaseSummary:
        fields = stored.model_dump(include=set(cls.model_fields) - {"assignee"})
        return cls.model_validate({**fields, "assignee": _assignee(stored.assignee, audience)})


class CaseView(CaseSummary):
    """The case detail (seed 4.2.1): every field, documents, state, resolution when closed, the
    information added, its receipts, and what the reader may ask of it now (``allowed_actions``)."""

    channel: str
    description: str
    additional_data: dict[str, str] = Field(default_factory=dict)
    documents: list[DocumentView] = Field(default_factory=list)
    information: list[InformationView] = Field(default_factory=list)
    resolution: ResolutionView | None = None
    rating: RatingView | None = None
    annulment_reason: str | None = None
    """Why the autorizado asked for the annulment (while it waits for a clerk, and after)."""
    allowed_actions: list[str] = Field(default_factory=list)
    receipts: list[ReceiptView] | None = Field(
        default=None,
        description="Los justificantes emitidos, del más antiguo al más reciente. Nulo en la respuesta "
        "a una acción (que no los lee: un justificante se emite después); véase el detalle del caso "
        "o su ruta /receipts.",
    )

    @classmethod
    def of(
        cls, stored: StoredCase, audience: Audience, *, receipts: Sequence[ReceiptView] | None = None
    ) -> CaseView:
        """The view of the stored case for ``audience``; a resolution shows its documents in full.
        ``receipts``: the case's receipts as this audience sees them (None: not read)."""
        resolution = None
        if stored.resolution is not None:
            resolution = ResolutionView(
                answer=stored.resolution.answer,
                at=stored.resolution.at,
                documents=[
                    DocumentView.model_validate(d.model_dump()) for d in stored.resolution_documents()
                ],
            )
        fields = stored.model_dump(exclude={"resolution", "assignee", "allowed_actions"})
        return cls.model_validate(
            {
                **fields,
                "resolution": resolution,
                "assignee": _assignee(stored.assignee, audience),
                "allowed_actions": _actions(stored.allowed_actions, audience),
                "receipts": None if receipts is None else list(receipts),
            }
        )


class CasePage(BaseModel):
    """A page of cases; ``next_cursor`` (absent on the last page) asks for the next one."""

    cases: list[CaseSummary]
    next_cursor: str | None = None


class HistoryView(BaseModel):
    case_number: str
    entries: list[HistoryEntryView]

    @classmethod
    def of(cls, stored: StoredCase, audience: Audience) -> HistoryView:
        entries = [_entry(entry, audience) for entry in stored.history]
        return cls(case_number=stored.case_number, entries=entries)


class CaseAccepted(BaseModel):
    """202: the command is on its way and its outcome not known yet; the case is at ``location``."""

    case_number: str
    location: str
    status: Literal["accepted"] = "accepted"


def _entry(entry: StoredHistoryEntry, audience: Audience) -> HistoryEntryView:
    fields = entry.model_dump(exclude={"actor", "note"})
    note = entry.note if audience is Audience.BACKOFFICE else None
    return HistoryEntryView.model_validate({**fields, "actor": _actor(entry.actor, audience), "note": note})


def _actor(actor: StoredActor, audience: Audience) -> Actor:
    if audience is Audience.AUTORIZADO and actor.kind == "tramitador":
        return Actor(kind=actor.kind, nif=None, name=CLERK_FOR_AUTORIZADOS)
    return Actor(kind=actor.kind, nif=actor.nif, name=actor.name)


def _assignee(assignee: StoredPerson | None, audience: Audience) -> Person | None:
    if assignee is None:
        return None
    if audience is Audience.AUTORIZADO:
        return Person(nif=None, name=CLERK_FOR_AUTORIZADOS)
    return Person(nif=assignee.nif, name=assignee.name)


def _actions(allowed: list[str], audience: Audience) -> list[str]:
    theirs = AUTORIZADO_ACTIONS if audience is Audience.AUTORIZADO else set(allowed) - AUTORIZADO_ACTIONS
    return [action for action in allowed if action in theirs]
