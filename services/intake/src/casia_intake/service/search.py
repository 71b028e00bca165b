"""Finding cases: the autorizado's search (guide 4.2, Opción 2) and the clerks' work queue.

What a search or the queue matches, in which order, and how a page continues (the cursor) are
defined here once, for every :class:`CaseFinder`: the MongoDB adapter (``adapters/search.py``)
and the in-memory fake (``tests/fake_search.py``), held to the same contract by
``tests/contract/test_search_contract.py``.

Pages are keyset pages: a cursor carries the sort key of the last case shown, so a page costs the
same however deep it is, and a case that arrives meanwhile never shifts the others (no skip).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Final, Protocol

from casia_contracts.values import CaseType, Status, Substatus
from casia_intake.domain.calendar import MonthWindow
from casia_intake.domain.case_numbers import is_case_number
from casia_read_models import StoredCase

MAX_LIMIT: Final = 200
"""The largest page a finder serves (a page is read and sent whole)."""

OPEN_SUBSTATUSES: Final = frozenset(s for s in Substatus if s.status is Status.OPEN)
CLOSED_SUBSTATUSES: Final = frozenset(Substatus) - OPEN_SUBSTATUSES
"""Resolved, annulled and closed ex officio: the guide's «cerrados»."""

_CURSOR_VERSION: Final = 1
_MAX_CURSOR_LENGTH: Final = 512


class StatusFilter(StrEnum):
    """The guide's «Estado»: open, closed (resolved, annulled, closed ex officio) or all."""

    OPEN = "open"
    CLOSED = "closed"
    ALL = "all"

    def substatuses(self) -> frozenset[Substatus]:
        """The substatuses a case in this state may have."""
        if self is StatusFilter.OPEN:
            return OPEN_SUBSTATUSES
        return CLOSED_SUBSTATUSES if self is StatusFilter.CLOSED else frozenset(Substatus)


def allowed_substatuses(status: StatusFilter, substatus: Substatus | None) -> list[Substatus]:
    """The substatuses matching both filters, sorted (empty when they contradict each other)."""
    allowed = status.substatuses() & ({substatus} if substatus else frozenset(Substatus))
    return sorted(allowed)


@dataclass(frozen=True, kw_only=True)
class CaseSearch:
    """One authorization's cases opened within ``window`` (Madrid's calendar), filtered.

    Order: newest first (``opened_at`` descending, then ``case_number`` descending).
    """

    authorization: str
    window: MonthWindow
    status: StatusFilter = StatusFilter.ALL
    substatus: Substatus | None = None
    case_type: CaseType | None = None
    subject: str | None = None
    opened_by: str | None = None
    """The opener's NIF."""

    def matches(self, case: StoredCase) -> bool:
        start, end = self.window.instants()
        return (
            case.authorization.number == self.authorization
            and start <= case.opened_at < end
            and case.substatus in allowed_substatuses(self.status, self.substatus)
            and self.case_type in (None, case.case_type)
            and self.subject in (None, case.subject)
            and self.opened_by in (None, case.opened_by.nif)
        )


@dataclass(frozen=True, kw_only=True)
class QueueFilter:
    """The clerks' work queue, across authorizations.

    Order: cases affecting the current filing period first, then oldest first (``opened_at``
    ascending), then ``case_number`` ascending.
    """

    status: StatusFilter = StatusFilter.OPEN
    substatus: Substatus | None = None
    subject: str | None = None
    assignee: str | None = None
    """The assignee's NIF."""
    affects_current_period: bool | None = None

    def matches(self, case: StoredCase) -> bool:
        return (
            case.substatus in allowed_substatuses(self.status, self.substatus)
            and self.subject in (None, case.subject)
            and self.assignee in (None, case.assignee.nif if case.assignee else None)
            and self.affects_current_period in (None, case.affects_current_period)
        )


@dataclass(frozen=True)
class Page:
    cases: list[StoredCase]
    next_cursor: str | None
    """Opaque; None on the last page."""


class InvalidCursor(ValueError):
    """A cursor this API did not issue, or issued for another query."""


@dataclass(frozen=True, slots=True)
class Position:
    """The sort key of the last case of a page: where the next page starts (after it)."""

    opened_at: datetime
    case_number: str
    affects_current_period: bool

    @classmethod
    def of(cls, case: StoredCase) -> Position:
        return cls(case.opened_at, case.case_number, case.affects_current_period)


class CaseFinder(Protocol):
    async def search(self, criteria: CaseSearch, *, limit: int, cursor: str | None = None) -> Page:
        """The authorization's matching cases, newest first, ``limit`` (1..MAX_LIMIT) at a time,
        from after ``cursor`` (a ``next_cursor`` of the same criteria) or from the first.

        Paging until ``next_cursor`` is None yields every case matching at the first page and
        still matching, exactly once, ties of ``opened_at`` included. Raises
        :class:`InvalidCursor` for a cursor this API did not issue for these criteria, and
        ValueError for a limit out of range."""
        ...

    async def queue(self, criteria: QueueFilter, *, limit: int, cursor: str | None = None) -> Page:
        """The matching cases of every authorization: those affecting the current period first,
        then oldest first, then by number. Paging, limits and errors as :meth:`search`."""
        ...

    async def open_counts(self) -> dict[Substatus, int]:
        """How many cases of every authorization are in each open substatus (all of them, zeros
        included): the back office's picture of its work."""
        ...


def check_limit(limit: int) -> None:
    """Raises ValueError unless 1 <= ``limit`` <= :data:`MAX_LIMIT`."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")


def page_of(criteria: CaseSearch | QueueFilter, fetched: list[StoredCase], *, limit: int) -> Page:
    """The page of ``limit`` cases from ``fetched``: up to ``limit + 1`` cases in order, the
    extra one only saying that another page follows."""
    shown = fetched[:limit]
    more = len(fetched) > limit
    return Page(shown, issue_cursor(criteria, Position.of(shown[-1])) if more else None)


def issue_cursor(criteria: CaseSearch | QueueFilter, after: Position) -> str:
    """An opaque cursor for the page after ``after``, bound to ``criteria``.

    Not signed: the criteria (the authorization among them) come with every request, so a forged
    cursor can only move within results the caller may see. The fingerprint refuses a cursor
    carried over from another query."""
    payload = [
        _CURSOR_VERSION,
        _fingerprint(criteria),
        after.opened_at.isoformat(),
        after.case_number,
        after.affects_current_period,
    ]
    text = json.dumps(payload, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def read_cursor(criteria: CaseSearch | QueueFilter, cursor: str) -> Position:
    """The position ``cursor`` resumes after. Raises :class:`InvalidCursor` for anything
    :func:`issue_cursor` did not produce for these ``criteria``."""
    payload = _decoded(cursor)
    match payload:  # the leading 1 is _CURSOR_VERSION (a pattern cannot name a plain constant)
        case [1, str(fingerprint), str(opened_at), str(case_number), bool(urgent)] if (
            fingerprint == _fingerprint(criteria) and is_case_number(case_number)
        ):
            position = Position(_instant(opened_at), case_number, urgent)
        case _:
            raise InvalidCursor("not a cursor of this query")
    if not _possible(criteria, position):
        raise InvalidCursor("a position no result of this query can have")
    return position


def _decoded(cursor: str) -> object:
    if len(cursor) > _MAX_CURSOR_LENGTH:
        raise InvalidCursor("too long")
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return json.loads(text)
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise InvalidCursor("not a cursor") from error


def _instant(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError as error:
        raise InvalidCursor("not an instant") from error
    if at.tzinfo is None:
        raise InvalidCursor("an instant without its offset")
    return at


def _possible(criteria: CaseSearch | QueueFilter, position: Position) -> bool:
    """Whether a case matching ``criteria`` could sit at ``position`` (a tampered cursor fails)."""
    if isinstance(criteria, CaseSearch):
        start, end = criteria.window.instants()
        return start <= position.opened_at < end
    return criteria.affects_current_period in (None, position.affects_current_period)


def _fingerprint(criteria: CaseSearch | QueueFilter) -> str:
    """A digest of the query (its kind and every criterion), not of the page size."""
    described = {field.name: repr(getattr(criteria, field.name)) for field in fields(criteria)}
    text = json.dumps([type(criteria).__name__, described], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
