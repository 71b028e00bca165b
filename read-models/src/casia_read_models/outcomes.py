"""What became of each command the workflow received, as it records it in ``command_outcomes``
(in the same transaction as the case change or the refusal) and intake reads it to answer the
request that sent the command (200, 409, 412)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime

from casia_read_models.base import StoredDocumentModel


class CommandResult(StrEnum):
    APPLIED = "applied"
    REFUSED = "refused"


class StoredCommandOutcome(StoredDocumentModel):
    COLLECTION: ClassVar[str] = "command_outcomes"
    KEY: ClassVar[str] = "command_id"

    command_id: str
    """The command's CloudEvent id (what intake sent)."""
    case_number: str
    result: CommandResult
    version: int
    """The case's version after the command (applied), or as it stood (refused)."""
    reason_code: str | None = None
    """Why it was refused (stable code, e.g. ``illegal_transition``, ``stale_version``)."""
    reason: str | None = None
    """The refusal for people (Spanish)."""
    at: AwareDatetime
