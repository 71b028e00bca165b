"""Request and response bodies of the gateway (the shapes API.md promises)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StrictBool

from casia_contracts.values import CaseType
from casia_intake.domain.text import multi_line, single_line
from casia_read_models import StoredCase

SingleLine = Annotated[str, AfterValidator(single_line)]
"""One line of text people type (a title, a code, a value): NFC, no control or invisible characters."""
MultiLine = Annotated[str, AfterValidator(multi_line)]
"""Text with line breaks (a description, a message): NFC, line breaks and tabs only."""
Code = Annotated[SingleLine, Field(min_length=1, max_length=64)]
"""A catalog code or the name of an additional datum."""


class OpenCaseRequest(BaseModel):
    """A new case, as the autorizado fills it in (seed 4.1)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    case_type: CaseType
    subject: Code
    category: Code
    subcategory: Code | None = None
    affects_current_period: StrictBool
    title: Annotated[SingleLine, Field(min_length=1, max_length=200)]
    description: Annotated[MultiLine, Field(min_length=1, max_length=10_000)]
    additional_data: dict[Code, Annotated[SingleLine, Field(max_length=100)]] = Field(
        default_factory=dict, max_length=20
    )


class CaseAccepted(BaseModel):
    """202: the case number is allocated and the command accepted; the case shows up shortly."""

    case_number: str
    location: str
    status: Literal["accepted"] = "accepted"


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


class ResolutionView(BaseModel):
    answer: str
    at: datetime
    documents: list[DocumentView] = Field(default_factory=list)


class RatingView(BaseModel):
    score: int
    observations: str | None = None
    at: datetime


class CaseView(BaseModel):
    """The case detail (seed 4.2.1): every field, documents, state, resolution when closed."""

    model_config = ConfigDict(extra="ignore")

    case_number: str
    authorization: AuthorizationView
    opened_by: Person
    channel: str
    opened_at: datetime
    case_type: str
    subject: str
    category: str
    subcategory: str | None = None
    affects_current_period: bool
    title: str
    description: str
    additional_data: dict[str, str] = Field(default_factory=dict)
    documents: list[DocumentView] = Field(default_factory=list)
    status: str
    status_label: str
    substatus: str
    substatus_label: str
    substatus_at: datetime
    assignee: Person | None = None
    resolution: ResolutionView | None = None
    rating: RatingView | None = None
    version: int

    @classmethod
    def from_stored(cls, stored: StoredCase) -> CaseView:
        """The view of the case the workflow stored; a resolution shows its documents in full."""
        resolution = None
        if stored.resolution is not None:
            resolution = ResolutionView(
                answer=stored.resolution.answer,
                at=stored.resolution.at,
                documents=[
                    DocumentView.model_validate(d.model_dump()) for d in stored.resolution_documents()
                ],
            )
        return cls.model_validate({**stored.model_dump(exclude={"resolution"}), "resolution": resolution})


class HistoryView(BaseModel):
    case_number: str
    entries: list[HistoryEntryView]

    @classmethod
    def from_stored(cls, stored: StoredCase) -> HistoryView:
        entries = [HistoryEntryView.model_validate(entry.model_dump()) for entry in stored.history]
        return cls(case_number=stored.case_number, entries=entries)


class ContactView(BaseModel):
    authorization_number: str
    email: EmailStr | None
    consent: StrictBool
    updated_at: datetime | None = None


class ContactUpdate(BaseModel):
    """Contact e-mail and consent to receive notices (seed 4.1.2: without both, no e-mail)."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr | None
    consent: StrictBool


class MeView(BaseModel):
    nif: str
    name: str
    email: str | None
    roles: list[str]
    authorizations: list[AuthorizationView]
