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
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casia_contracts import notifications as n
from casia_contracts.envelope import Causality, RawEvent, build_event
from casia_contracts.registry import parse_data
from casia_notifier.service.claims import Claims
from casia_notifier.service.notices import concerns_the_contact, template_for
from casia_notifier.service.ports import (
    AppliedEvents,
    Contact,
    Contacts,
    DeliveryStatus,
    Mail,
    Mailer,
    Notice,
    NoticeCause,
    Outcome,
    PermanentDeliveryError,
    RenderedNotice,
    Renderer,
    Transaction,
    Transactions,
)
from casia_runtime.clock import Clock
from casia_runtime.consumer import PoisonMessage
from casia_runtime.logging import bound_correlation, get_logger
from casia_runtime.messages import InboundMessage, OutboundMessage
from casia_telemetry.metrics import EMAILS

log = get_logger(__name__)

SOURCE = "/casia/notifier"
NOTICE_NAMESPACE = uuid.UUID("a3c9e1f2-5b7d-4e8a-9c0b-1d2e3f4a5b6c")

NO_CONTACT = Outcome(DeliveryStatus.SKIPPED, "no_contact", "Sin dirección de correo")
NO_CONSENT = Outcome(DeliveryStatus.SKIPPED, "no_consent", "Sin consentimiento")
SENT = Outcome(DeliveryStatus.SENT)

Ended = tuple[Notice, Outcome]
"""A notice as it is recorded (its data as sent), and how it ended."""


@dataclass(frozen=True, slots=True)
class Received:
    """An event that carries a notice, with the template it is sent with."""

    event: RawEvent
    data: NoticeCause
    template: str

    def notice(self, recipient: str | None) -> Notice:
        return Notice(
            notice_id=f"{self.event.id}|{self.template}",
            case_number=self.data.case_number,
            authorization_number=self.data.authorization_number,
            template=self.template,
            cause_event_id=self.event.id,
            cause_event_type=self.event.type,
            recipient=recipient,
        )


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
        received = _read(message)
        if received is None:
            return
        with bound_correlation(received.event.correlationid, case_number=received.data.case_number):
            if await self.applied.seen(received.event.id):
                return  # redelivery: the outcome is already recorded and reported
            contact = await self.contacts.get(received.data.authorization_number)
            notice = received.notice(contact.email)
            ended = await self._outcome(received, notice, contact)
            if ended is not None:
                await self._finish(received, *ended)

    async def _outcome(self, received: Received, notice: Notice, contact: Contact) -> Ended | None:
        if not contact.email:
            return notice, NO_CONTACT
        if not contact.consent:
            return notice, NO_CONSENT
        return await self._deliver(received, notice, recipient=contact.email)

    async def _deliver(self, received: Received, notice: Notice, *, recipient: str) -> Ended | None:
        """Send under this consumer's claim; None when another consumer recorded the outcome."""
        rendered = self.renderer.render(notice.template, received.data)
        claimed = await self.claims.take(notice)
        if claimed.finished:
            return None  # another consumer recorded and reported it meanwhile
        if claimed.sent_at is not None:  # accepted before its sender died, or another's: not again
            log.info("notice.already_sent", template=notice.template, attempts=claimed.attempts)
            return claimed.notice, SENT
        try:
            await self.mailer.send(_mail(notice, rendered, recipient=recipient))
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

    async def _finish(self, received: Received, notice: Notice, outcome: Outcome) -> None:
        at = self.clock()
        report = _report(received.event, notice, outcome, at=at)

        async def work(tx: Transaction) -> bool:
            # May run more than once (conflicts): everything it does goes through `tx`.
            if await tx.inbox.seen(received.event.id):
                return False  # a concurrent delivery of the same event recorded it first
            await tx.deliveries.finish(notice, outcome, at=at)
            await tx.outbox.add([report])
            await tx.inbox.record(received.event.id, at=at)
            return True

        if await self.transactions.run(work):
            self.on_commit()
            EMAILS.labels(outcome=outcome.status).inc()
            log.info(
                "notice.recorded",
                template=notice.template,
                status=outcome.status,
                reason_code=outcome.reason_code,
            )


def _mail(notice: Notice, rendered: RenderedNotice, *, recipient: str) -> Mail:
    """The notice's e-mail; its Message-ID derives from the notice, so a re-sent one repeats it."""
    return Mail(
        message_id=str(uuid.uuid5(NOTICE_NAMESPACE, notice.notice_id)),
        recipient=recipient,
        subject=rendered.subject,
        body=rendered.body,
        html=rendered.html,
    )


def _report(cause: RawEvent, notice: Notice, outcome: Outcome, *, at: datetime) -> OutboundMessage:
    """The ``notification.*`` event of an outcome; its id derives from the notice and status."""
    common: dict[str, Any] = {
        "case_number": notice.case_number,
        "notification_id": notice.notice_id,
        "cause_event_id": notice.cause_event_id,
        "cause_event_type": notice.cause_event_type,
        "authorization_number": notice.authorization_number,
        "recipient": notice.recipient,
        "template": notice.template,
    }
    data: n.NotificationEvent
    match outcome.status:
        case DeliveryStatus.SENT:
            data = n.NotificationSent(**common)
        case DeliveryStatus.FAILED:
            data = n.NotificationFailed(**common, reason=outcome.reason or "error")
        case _:
            data = n.NotificationSkipped(**common, reason_code=outcome.reason_code or "skipped")
    event_id = str(uuid.uuid5(NOTICE_NAMESPACE, f"{notice.notice_id}|{outcome.status}"))
    envelope = build_event(
        data, event_id=event_id, source=SOURCE, time=at, causality=Causality.caused_by(cause)
    )
    return OutboundMessage.from_envelope(envelope, topic=data.topic, key=data.case_number)


def _read(message: InboundMessage) -> Received | None:
    """The event and its data if it carries a notice; None for the events that do not (no
    template for their type, or nothing the contact needs to hear of)."""
    try:
        event = RawEvent.model_validate_json(message.value)
    except ValueError as error:
        raise PoisonMessage(str(error)) from error
    template = template_for(event.type)
    if template is None:
        return None  # not ours to read: ignored without parsing its data
    try:
        data = parse_data(event)
    except ValueError as error:
        raise PoisonMessage(str(error)) from error
    if not isinstance(data, NoticeCause):
        raise PoisonMessage(f"{event.type} is neither a case event nor a receipt")
    if not concerns_the_contact(data):
        return None  # e.g. a clerk's refused command: no notice, nothing written
    return Received(event, data, template)
