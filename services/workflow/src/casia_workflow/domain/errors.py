"""Refusals: the only way a domain decision says no.

A refusal is a business outcome, not a failure: the application layer turns it into a refusal
event for whoever sent the command. `reason_code` is stable (it travels on the wire); `message`
is Spanish, for people.
"""

from __future__ import annotations

from enum import StrEnum


class ReasonCode(StrEnum):
    """Why a command was refused. Values are part of the public contract: never rename one."""

    ILLEGAL_TRANSITION = "illegal_transition"
    ACTOR_NOT_ALLOWED = "actor_not_allowed"
    ALREADY_RATED = "already_rated"
    INVALID_SCORE = "invalid_score"
    NOT_DUE = "not_due"
    NOT_APPLICABLE_TO_CASE_TYPE = "not_applicable_to_case_type"
    MISSING_TEXT = "missing_text"
    EMPTY_INFORMATION = "empty_information"
    DUPLICATE_DOCUMENT = "duplicate_document"
    UNKNOWN_DOCUMENT = "unknown_document"
    DOCUMENT_ALREADY_DECIDED = "document_already_decided"
    STALE_VERSION = "stale_version"
    """The sender saw an older version of the case than the one it has now (If-Match)."""


class CommandRefused(Exception):
    """The command is not allowed for this case as it stands; nothing was changed."""

    def __init__(self, reason_code: ReasonCode, message: str) -> None:
        super().__init__(message)
        self.reason_code = reason_code
        self.message = message
