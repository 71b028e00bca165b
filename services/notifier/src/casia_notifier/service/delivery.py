"""Turn events into e-mail notices, each delivered once and each outcome reported.

The events are the public case events and the receipts issued (:data:`NoticeCause`); both take
the one path below. Per notice (one event → one notice to the authorization's contact):
- no contact address or no consent → recorded as ``skipped`` and reported, never lost silently;
- otherwise the notice is claimed in the delivery log before it is handed to SMTP and marked
  sent right after the server accepted it (:mod:`casia_notifier.service.claims`): a consumer that
  finds it claimed by another waits, one that finds it marked records it without sending. Each
  claim counts an attempt, so after ``max_attempts`` failures the notice is recorded as ``failed``;
- the outcome row, its ``Notification*`` event (outbox) and the inbox record are written in one
  transaction, so a redelivered event is recognised. The one notice sent twice is one whose SMTP
  transaction was in flight when its sender died (accepted, not yet marked): it is re-sent with
  the same Message-ID (mail systems can collapse the duplicate by that id).

A poll's events take the same path together (:meth:`Notifier.handle_together`): one read of the
inbox and one of the contacts, one claim write, the mails sent side by side (a case's in order),
each marked as soon as it is accepted, and one transaction for every outcome.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from casia_notifier.service.claims import Claims
from casia_notifier.service.messages import Received, mail_of, read_notice, report_of
from casia_notifier.service.ports import (
    AppliedEvents,
    Contact,
    Contacts,
    DeliveryRow,
    DeliveryStatus,
    Mailer,
    Notice,
    Outcome,
    PermanentDeliveryError,
    Renderer,
    Transaction,
    Transactions,
)
from casia_runtime.clock import Clock
from casia_runtime.logging import bound_correlation, get_logger
from casia_runtime.messages import InboundMessage
from casia_telemetry.metrics import EMAILS

log = get_logger(__name__)

NO_CONTACT = Outcome(DeliveryStatus.SKIPPED, "no_contact", "Sin dirección de correo")
NO_CONSENT = Outcome(DeliveryStatus.SKIPPED, "no_consent", "Sin consentimiento")
SENT = Outcome(DeliveryStatus.SENT)

Ended = tuple[Notice, Outcome]
"""A notice as it is recorded (its data as sent), and how it ended."""


@dataclass(frozen=True, kw_only=True)
class Notifier:
    """The notice use case, with the ports it works through (built once by the composition root)."""

    contacts: Contacts
    claims: Claims
    """Claims and marks in the delivery log, on behalf of the consumer calling :meth:`handle`."""
    mailer: Mailer
    renderer: Renderer
    transactions: Transactions
    applied: AppliedEvents
    clock: Clock
    on_commit: Callable[[], None]
    """Called after a commit that wrote an outbox entry (wakes the relay)."""
    max_attempts: int
    """SMTP attempts of one notice before it is recorded as failed."""
    senders: int = 1
    """How many mails :meth:`handle_together` hands to the mailer at once."""

    async def handle(self, message: InboundMessage) -> None:
        """Send the e-mail an event (a case event, an issued receipt) calls for, once, and report
        the outcome.

        An event without a notice (no template; a clerk's refused command) is ignored (nothing
        written). An event already applied sends and writes nothing. Otherwise the notice ends
        ``skipped`` (no address, no consent), ``sent``, or ``failed`` (refused by the server, or
        ``max_attempts`` transient failures), and its row, its ``notification.*`` event and the
        event id are committed together. A mail is sent only under this consumer's claim, and
        never for a notice already marked sent; while another consumer holds the claim this one
        waits (:meth:`Claims.take`).
        Raises PoisonMessage for what can never be read; a transient SMTP failure before
        ``max_attempts`` is raised as is (redelivery retries it, renewing the claim), as is any
        other error. A raise leaves only the claim (and its attempt count) written.
        """
        received = read_notice(message)
        if received is None:
            return
        with bound_correlation(received.event.correlationid, case_number=received.data.case_number):
            if await self.applied.seen(received.event.id):
                return  # redelivery: the outcome is already recorded and reported
            contact = await self.contacts.get(received.data.authorization_number)
            notice = received.notice(contact.email)
            ended = await self._outcome(received, notice, contact)
            if ended is not None:
                await self._finish([(received, *ended)])

    async def handle_together(self, messages: Sequence[InboundMessage]) -> None:
        """End the notices of ``messages`` as :meth:`handle` would end each, in fewer round trips.

        Raises when one cannot end here: an unreadable message, a notice claimed by another
        consumer or marked sent before, a transient SMTP failure, an event another consumer
        recorded meanwhile. Only claims and marks are written then, and the runtime hands the
        messages one by one to :meth:`handle`, which renews this consumer's claims, finds the
        marks and sends no marked notice again (a notice refused for good is tried once more).
        """
        events = {r.event.id: r for m in messages if (r := read_notice(m)) is not None}
        applied = await self.applied.seen_among(events)  # an event delivered twice counts once
        fresh = [received for event_id, received in events.items() if event_id not in applied]
        if not fresh:
            return
        contacts = await self.contacts.get_all({r.data.authorization_number for r in fresh})
        notices = [r.notice(contacts[r.data.authorization_number].email) for r in fresh]
        outcomes = {
            notice.notice_id: skipped
            for notice, r in zip(notices, fresh, strict=True)
            if (skipped := _unreachable(contacts[r.data.authorization_number])) is not None
        }
        sending = [(r, n) for r, n in zip(fresh, notices, strict=True) if n.notice_id not in outcomes]
        outcomes |= await self._deliver_together(sending)
        ended = [(r, n, outcomes[n.notice_id]) for r, n in zip(fresh, notices, strict=True)]
        await self._finish(ended)

    async def _outcome(self, received: Received, notice: Notice, contact: Contact) -> Ended | None:
        skipped = _unreachable(contact)
        if skipped is not None:
            return notice, skipped
        return await self._deliver(received, notice)

    async def _deliver(self, received: Received, notice: Notice) -> Ended | None:
        """Send under this consumer's claim; None when another consumer recorded the outcome."""
        rendered = self.renderer.render(notice.template, received.data)
        claimed = await self.claims.take(notice)
        if claimed.finished:
            return None  # another consumer recorded and reported it meanwhile
        if claimed.sent_at is not None:  # accepted before its sender died, or another's: not again
            log.info("notice.already_sent", template=notice.template, attempts=claimed.attempts)
            return claimed.notice, SENT
        try:
            await self.mailer.send(mail_of(notice, rendered))
        except PermanentDeliveryError as error:
            return notice, Outcome(DeliveryStatus.FAILED, "refused", str(error))
        except Exception as error:  # any other failure is transient: counted, then retried
            if claimed.attempts < self.max_attempts:
                log.warning("notice.retrying", attempt=claimed.attempts, error=repr(error))
                raise
            return notice, Outcome(DeliveryStatus.FAILED, "unreachable", repr(error))
        await self.claims.mark_sent(claimed)  # at once: until this write a crash re-sends it
        log.info("notice.sent", template=notice.template, attempt=claimed.attempts)
        return notice, SENT

    async def _deliver_together(self, sending: list[tuple[Received, Notice]]) -> dict[str, Outcome]:
        """Each notice of ``sending`` sent under this consumer's claim (all claimed in one write,
        or ClaimedElsewhere), up to ``senders`` at once and a case's one after the other; its
        outcome by notice id. A transient failure is raised once every other send has ended."""
        if not sending:
            return {}
        claimed = await self.claims.take_all([notice for _, notice in sending])
        by_case: dict[str, list[tuple[Received, DeliveryRow]]] = {}
        for (received, _), row in zip(sending, claimed, strict=True):
            by_case.setdefault(received.data.case_number, []).append((received, row))
        limit = asyncio.Semaphore(self.senders)

        async def send_in_order(rows: list[tuple[Received, DeliveryRow]]) -> dict[str, Outcome]:
            ended = {}
            for received, row in rows:  # a failure stops the case's later mails
                async with limit:
                    ended[row.notice.notice_id] = await self._send_claimed(received, row)
            return ended

        sent = await asyncio.gather(*map(send_in_order, by_case.values()), return_exceptions=True)
        outcomes: dict[str, Outcome] = {}
        for case_outcomes in sent:
            if isinstance(case_outcomes, BaseException):
                raise case_outcomes
            outcomes |= case_outcomes
        return outcomes

    async def _send_claimed(self, received: Received, claimed: DeliveryRow) -> Outcome:
        notice = claimed.notice
        try:
            await self.mailer.send(mail_of(notice, self.renderer.render(notice.template, received.data)))
        except PermanentDeliveryError as error:
            return Outcome(DeliveryStatus.FAILED, "refused", str(error))
        await self.claims.mark_sent(claimed)  # at once: until this write a crash re-sends it
        log.info(
            "notice.sent", case_number=notice.case_number, template=notice.template, attempt=claimed.attempts
        )
        return SENT

    async def _finish(self, ended: list[tuple[Received, Notice, Outcome]]) -> None:
        """Record every outcome of ``ended`` (each event's own) in one transaction; nothing when a
        delivery of one of the events recorded it first (ConcurrentChange if that is not every
        one of them)."""
        at = self.clock()
        reports = [report_of(received.event, notice, outcome, at=at) for received, notice, outcome in ended]
        event_ids = [received.event.id for received, _, _ in ended]

        async def work(tx: Transaction) -> bool:
            # May run more than once (conflicts): everything it does goes through `tx`.
            if len(event_ids) == 1 and await tx.inbox.seen(event_ids[0]):
                return False  # a concurrent delivery of the same event recorded it first
            await tx.deliveries.finish_all([(notice, outcome) for _, notice, outcome in ended], at=at)
            await tx.outbox.add(reports)
            await tx.inbox.record_all(event_ids, at=at)
            return True

        if not await self.transactions.run(work):
            return
        self.on_commit()
        for received, notice, outcome in ended:
            EMAILS.labels(outcome=outcome.status).inc()
            log.info(
                "notice.recorded",
                correlation_id=received.event.correlationid,
                case_number=notice.case_number,
                template=notice.template,
                status=outcome.status,
                reason_code=outcome.reason_code,
            )


def _unreachable(contact: Contact) -> Outcome | None:
    """Why a notice to ``contact`` is skipped, or None if it can be sent."""
    if not contact.email:
        return NO_CONTACT
    if not contact.consent:
        return NO_CONSENT
    return None
