"""Request bodies of the gateway, and the account's views (the shapes API.md promises); the case
views are in :mod:`casia_intake.entrypoints.views`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StrictBool, StrictInt

from casia_contracts.values import CaseType
from casia_intake.domain.text import multi_line, single_line
from casia_intake.entrypoints.views import AuthorizationView

SingleLine = Annotated[str, AfterValidator(single_line)]
"""One line of text people type (a title, a code, a value): NFC, no control or invisible characters."""
MultiLine = Annotated[str, AfterValidator(multi_line)]
"""Text with line breaks (a description, a message): NFC, line breaks and tabs only."""
Code = Annotated[SingleLine, Field(min_length=1, max_length=64)]
"""A catalog code or the name of an additional datum."""


class ClassificationRequest(BaseModel):
    """Type > subject > category > subcategory and the additional data the node requires."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    case_type: CaseType
    subject: Code
    category: Code
    subcategory: Code | None = None
    additional_data: dict[Code, Annotated[SingleLine, Field(max_length=100)]] = Field(
        default_factory=dict, max_length=20
    )


class OpenCaseRequest(ClassificationRequest):
    """A new case, as the autorizado fills it in (seed 4.1)."""

    affects_current_period: StrictBool
    title: Annotated[SingleLine, Field(min_length=1, max_length=200)]
    description: Annotated[MultiLine, Field(min_length=1, max_length=10_000)]


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


class InformationRequest(BaseModel):
    """Modificar información (guide 4.2.1): text the clerk asked for, or the autorizado adds."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: Annotated[MultiLine, Field(min_length=1, max_length=10_000)] | None = None
    """Required unless documents come with it (multipart)."""


class AnnulmentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Annotated[MultiLine, Field(min_length=1, max_length=2_000)]


class RatingRequest(BaseModel):
    """Valoración (guide 4.2.4): 1 to 5, and why."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    score: Annotated[StrictInt, Field(ge=1, le=5)]
    observations: Annotated[MultiLine, Field(max_length=2_000)] | None = None


class PersonRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    nif: Annotated[SingleLine, Field(min_length=1, max_length=20)]
    name: Annotated[SingleLine, Field(min_length=1, max_length=200)]


class AssignmentRequest(BaseModel):
    """The clerk to assign the case to; the caller when absent."""

    model_config = ConfigDict(extra="forbid")

    assignee: PersonRequest | None = None


class EscalationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    observations: Annotated[MultiLine, Field(min_length=1, max_length=2_000)]


class MessageRequest(BaseModel):
    """What a clerk asks of the autorizado (information or reclassification)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    message: Annotated[MultiLine, Field(min_length=1, max_length=10_000)]


class AnnulmentDecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    approve: StrictBool
    reason: Annotated[MultiLine, Field(min_length=1, max_length=2_000)] | None = None
    """Required when rejecting: the autorizado is told why."""


class ResolutionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    answer: Annotated[MultiLine, Field(min_length=1, max_length=10_000)]
