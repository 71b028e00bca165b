"""Building blocks shared by every contract model: the base classes and the scalar shapes.

Reader tolerance: every model ignores unknown fields (``extra="ignore"``), so a reader built from
an older contract keeps working when a writer adds an optional field within a ``.v1`` topic. The
unknown field is dropped, not kept: a reader re-serializing a message it parsed writes only what
its own contract knows. The JSON Schemas therefore leave ``additionalProperties`` open.

Writer exactness: models are frozen and validated on construction; mypy's pydantic plugin checks
the constructor calls. Optional fields default to ``None`` so that a writer that drops nulls
(``model_dump_json(exclude_none=True)``) still produces a message every reader accepts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, ClassVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, StringConstraints


def _to_utc(value: datetime) -> datetime:
    """The same instant, expressed in UTC: every datetime of a contract is written with ``Z``."""
    return value.astimezone(UTC)


NonBlankStr = Annotated[str, StringConstraints(pattern=r"\S")]
"""A string with at least one non-whitespace character (kept as given, not trimmed)."""

CaseNumber = NonBlankStr
"""The human-readable case number allocated by intake (e.g. ``CAS-2025-0000123``); the Kafka key."""

AuthorizationNumber = NonBlankStr
"""The number of an autorizado RED authorization."""

UriReference = Annotated[str, StringConstraints(pattern=r"^\S+$")]
"""A URI-reference such as ``/casia/workflow``: non-empty, no whitespace."""

Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
"""A SHA-256 digest as 64 lowercase hexadecimal characters."""

UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware datetime (naive ones are refused), normalized to UTC on validation."""


class ContractModel(BaseModel):
    """Base of every contract model: immutable, validated, tolerant of unknown fields."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Message(ContractModel):
    """The ``data`` of a command or event that travels inside a CloudEvent.

    Every message concerns one case: ``case_number`` is also the envelope's ``subject`` and the
    Kafka key, so all messages of a case keep their order within a partition. Each concrete class
    names its CloudEvents ``type`` and the topic it travels on as class attributes.
    """

    message_type: ClassVar[str]
    topic: ClassVar[str]

    case_number: CaseNumber
