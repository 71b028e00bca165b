"""What the notice use case needs from the outside world, and nothing more (STYLE.md §6).

Sending happens outside any transaction: the contact is read (:class:`Contacts`), the notice is
claimed in the delivery log (:class:`DeliveryLog`, one atomic write that also counts the attempt),
the mail handed to the server (:class:`Mailer`) and, as soon as the server accepted it, the row
marked sent (one small write). The outcome is then recorded as one unit of work: a
:class:`Transaction` finishes the notice's row, appends its report to the outbox and records the
event in the inbox, and :class:`Transactions` commits all of it or none of it. The outbox, the
inbox, the unit of work and ConcurrentChange are the runtime's shared ports
(:mod:`casia_runtime.ports`). :class:`AppliedEvents` answers, before anything is claimed, whether
an event was already recorded.

The MongoDB and SMTP implementations live in ``adapters/``; the in-memory fakes in
``tests/fakes.py``; ``tests/contract/`` holds them both to these contracts.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeAlias

from casia_contracts.case_events import CaseEvent
from casia_contracts.receipts import ReceiptIssued
from casia_runtime import ports

NoticeCause: TypeAlias = CaseEvent | ReceiptIssued
"""The data of an event a notice can be about: a case event (from the workflow) or an issued
receipt (from the receipts service). Each names the case and the authorization whose contact
hears of it (``case_number``, ``authorization_number``); which types carry a notice, and with
which template, is :data:`casia_notifier.service.notices.TEMPLATES`."""


class PermanentDeliveryError(Exception):
    """The mail server refused the message for good (a 5xx reply): retrying cannot help."""


@dataclass(frozen=True, slots=True)
class Contact:
    """Where an authorization's notices go, and whether it agreed to receive them."""

    email: str | None
    consent: bool


class Contacts(Protocol):
    async def get(self, authorization_number: str) -> Contact:
        """The authorization's contact as it is now (intake writes it; a change applies at once).

        An authorization without a stored contact has no address and no consent.
        """
        ...

    async def get_all(self, authorization_numbers: Collection[str]) -> dict[str, Contact]:
        """The contact of each of ``authorization_numbers`` as :meth:`get` reads it (one read)."""
        ...


@dataclass(frozen=True, slots=True)
class Mail:
    message_id: str
    """Stable per notice, so a re-sent notice carries the same id and can be recognised."""
    recipient: str
    subject: str
    body: str
    """Plain text, sent exactly as given: the first part of a multipart/alternative message."""
    html: str
    """The same notice as an HTML document, the alternative mail clients prefer to show."""


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None:
        """Return once the server has accepted ``mail``; return or raise within the mailer's time
        bound (the SMTP timeout), so a claim to send can be made to outlast it.

        Raises PermanentDeliveryError when the server refuses it for good; any other error is
        transient (unreachable server, timeout, 4xx) and sending again may succeed.
        """
        ...


@dataclass(frozen=True, slots=True)
class RenderedNotice:
    """One notice in Spanish, in the two forms a multipart/alternative e-mail carries."""

    subject: str
    """Non-empty, names the case number; plain text (never HTML-escaped)."""
    body: str
    """The plain-text part: what people typed appears exactly as typed (never HTML-escaped)."""
    html: str
    """The HTML part (a whole document, inline CSS only, no external resources): the same
    content, with everything that comes from the event HTML-escaped."""


class Renderer(Protocol):
    def render(self, template: str, event: NoticeCause) -> RenderedNotice:
        """The e-mail of ``template`` for ``event``: subject, plain-text body and HTML body.
        Raises for an unknown template or a value it lacks."""
        ...


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice: an event's e-mail to its authorization's contact, keyed by ``notice_id``."""

    notice_id: str
    case_number: str
    authorization_number: str
    template: str
    cause_event_id: str
    cause_event_type: str
    recipient: str | None


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    """Being sent: claimed at least once, no outcome recorded yet (the row may be marked sent)."""
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a notice ended: ``sent``, ``failed`` or ``skipped``, with a code and words for why."""

    status: DeliveryStatus
    reason_code: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """A notice's row in the delivery log."""

    notice: Notice
    status: DeliveryStatus
    attempts: int
    """How many times the notice was claimed to be sent (0 for a notice skipped without one)."""
    reason_code: str | None = None
    reason: str | None = None
    claimed_by: str | None = None
    """The consumer that claimed the notice last (whoever sends it holds the claim)."""
    claimed_until: datetime | None = None
    """When that claim lapses, unless the notice is marked sent or finished by then."""
    sent_at: datetime | None = None
    """When the mark recorded that the SMTP server accepted the notice; None until then."""

    @property
    def finished(self) -> bool:
        """Whether its outcome is recorded (and reported, and its event in the inbox)."""
        return self.status is not DeliveryStatus.PENDING

    def held_by_another(self, owner: str, *, at: datetime) -> bool:
        """Whether, at ``at``, someone other than ``owner`` may still be handing it to SMTP: a live
        claim of another consumer on a pending notice that is not marked sent."""
        if self.finished or self.sent_at is not None or self.claimed_by == owner:
            return False
        return self.claimed_until is not None and self.claimed_until > at


class DeliveryLog(Protocol):
    """One row per notice, written outside any transaction: a claim and a mark are seen by every
    consumer at once, and the attempt count survives a failed attempt."""

    async def claim(self, notice: Notice, *, owner: str, at: datetime, until: datetime) -> DeliveryRow:
        """Claim ``notice`` for ``owner`` until ``until``, in one atomic write, if it is free: no
        row yet, or a pending row not marked sent whose claim is ``owner``'s own, absent or lapsed
        (``claimed_until`` ≤ ``at``). Claiming counts one more attempt and stores the notice's
        data as this attempt sends it; a new row is ``pending``.

        Returns the row after the write: claimed by ``owner`` if it was free; otherwise as it
        was (finished, marked sent, or held by another owner's live claim), unchanged.
        """
        ...

    async def claim_all(
        self, notices: Sequence[Notice], *, owner: str, at: datetime, until: datetime
    ) -> list[DeliveryRow]:
        """:meth:`claim` for each of ``notices`` (distinct ids), in one write; the rows after it,
        in the order of ``notices``."""
        ...

    async def mark_sent(self, notice_id: str, *, owner: str, at: datetime) -> bool:
        """Record that the SMTP server accepted the notice at ``at``, if ``owner`` still holds its
        claim (lapsed or not: nobody took it over) and it is pending and not marked yet.

        Returns whether it marked the row; False means another owner took the claim over.
        """
        ...

    async def get(self, notice_id: str) -> DeliveryRow | None:
        """The committed row of the notice; None if it has none."""
        ...


class DeliveryOutcomes(Protocol):
    """The delivery log as one transaction writes it."""

    async def finish(self, notice: Notice, outcome: Outcome, *, at: datetime) -> None:
        """Record how the notice ended: its data, status, reason code and reason.

        Keeps the attempt count, the last claim and the mark; a notice finished without an
        attempt gets a row with 0 attempts.
        """
        ...

    async def finish_all(self, ended: Sequence[tuple[Notice, Outcome]], *, at: datetime) -> None:
        """:meth:`finish` for each notice of ``ended`` (distinct ids), in one write."""
        ...


class Transaction(ports.MessageTransaction, Protocol):
    """One unit of work: the outcomes, the outbox and the inbox, committed together or not at all."""

    @property
    def deliveries(self) -> DeliveryOutcomes: ...


Transactions: TypeAlias = ports.Transactions[Transaction]
"""Runs the recording of an outcome in one :class:`Transaction` (see
:class:`casia_runtime.ports.Transactions`)."""


class AppliedEvents(Protocol):
    async def seen(self, event_id: str) -> bool:
        """Whether a committed transaction recorded the event in the inbox.

        Read outside any transaction: a quick answer before claiming, which the transaction that
        records the outcome checks again.
        """
        ...

    async def seen_among(self, event_ids: Collection[str]) -> set[str]:
        """Which of ``event_ids`` :meth:`seen` would answer True for (one read)."""
        ...
