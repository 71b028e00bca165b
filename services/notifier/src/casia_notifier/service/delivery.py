"""Turn case events into e-mail notices, each delivered once and each outcome reported.

Per notice (one case event → one notice to the authorization's contact):
- no contact address or no consent → recorded as ``skipped`` and reported, never lost silently;
- otherwise one SMTP attempt per delivery of the event; the attempt count lives in the
  delivery log, so after ``max_attempts`` failures the notice is recorded as ``failed``;
- the outcome row, its ``Notification*`` event (outbox) and the inbox record are written in one
  transaction: a redelivered event is recognised and nothing is sent twice — except after a crash
  between the SMTP server's acceptance and that transaction, when the notice is re-sent with the
  same Message-ID (at-least-once; mail systems can collapse the duplicate by that id).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casia_contracts import notifications as n
from casia_contracts.case_events import CaseEvent
from casia_contracts.envelope import Causality, RawEvent, build_event
from casia_contracts.registry import parse_data
from casia_notifier.adapters.mailer import Mail, PermanentDeliveryError, SmtpMailer
from casia_notifier.adapters.mongo import ContactsReader, DeliveryLog
from casia_notifier.adapters.templates import NoticeRenderer
from casia_notifier.service.notices import template_for
from casia_runtime.consumer import PoisonMessage
from casia_runtime.inbox import Inbox
from casia_runtime.logging import bound_correlation, get_logger
from casia_runtime.messages import InboundMessage, OutboundMessage
from casia_runtime.mongo import MongoClient, Session, in_transaction
from casia_runtime.outbox import Outbox

log = get_logger(__name__)

SOURCE = "/casia/notifier"
NOTICE_NAMESPACE = uuid.UUID("a3c9e1f2-5b7d-4e8a-9c0b-1d2e3f4a5b6c")


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice being handled: its key, the event behind it and where it goes."""

    notice_id: str
    template: str
    event: RawEvent
    data: CaseEvent
    recipient: str | None

    def row(self) -> dict[str, Any]:
        return {
            "case_number": self.data.case_number,
            "authorization_number": self.data.authorization_number,
            "template": self.template,
            "cause_event_id": self.event.id,
            "cause_event_type": self.event.type,
            "recipient": self.recipient,
        }


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # sent | failed | skipped
    reason_code: str | None = None
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class Notifier:
    """The notice use case, with the ports it needs (built once by the composition root)."""

    mongo: MongoClient
    contacts: ContactsReader
    deliveries: DeliveryLog
    outbox: Outbox
    inbox: Inbox
    mailer: SmtpMailer
    renderer: NoticeRenderer
    clock: Callable[[], datetime]
    on_commit: Callable[[], None]
    max_attempts: int

    async def handle(self, message: InboundMessage) -> None:
        event, data = _parse(message)
        template = template_for(event.type)
        if template is None or not isinstance(data, CaseEvent):
            return  # this event has no notice
        with bound_correlation(event.correlationid, case_number=data.case_number):
            async with self.mongo.start_session() as session:
                if await self.inbox.seen(event.id, session=session):
                    return
            contact = await self.contacts.get(data.authorization_number)
            notice = Notice(f"{event.id}|{template}", template, event, data, contact.email)
            if not contact.email:
                await self._finish(notice, Outcome("skipped", "no_contact", "Sin dirección de correo"))
            elif not contact.consent:
                await self._finish(notice, Outcome("skipped", "no_consent", "Sin consentimiento"))
            else:
                await self._finish(notice, await self._deliver(notice, contact.email))

    async def _deliver(self, notice: Notice, recipient: str) -> Outcome:
        attempt = await self.deliveries.begin_attempt(notice.notice_id, notice.row(), at=self.clock())
        rendered = self.renderer.render(notice.template, {"event": notice.data.model_dump(mode="json")})
        mail = Mail(
            message_id=str(uuid.uuid5(NOTICE_NAMESPACE, notice.notice_id)),
            recipient=recipient,
            subject=rendered.subject,
            body=rendered.body,
        )
        try:
            await self.mailer.send(mail)
        except PermanentDeliveryError as error:
            return Outcome("failed", "refused", str(error))
        except Exception as error:
            if attempt < self.max_attempts:
                log.warning("notice.retrying", attempt=attempt, error=repr(error))
                raise
            return Outcome("failed", "unreachable", repr(error))
        log.info("notice.sent", template=notice.template, attempt=attempt)
        return Outcome("sent")

    async def _finish(self, notice: Notice, outcome: Outcome) -> None:
        at = self.clock()
        message = _report(notice, outcome, at=at)

        async def work(session: Session) -> None:
            await self.deliveries.finish(
                notice.notice_id,
                {**notice.row(), "status": outcome.status, "reason": outcome.reason},
                at=at,
                session=session,
            )
            await self.outbox.add([message], session=session)
            await self.inbox.record(notice.event.id, at=at, session=session)

        await in_transaction(self.mongo, work)
        self.on_commit()


def _report(notice: Notice, outcome: Outcome, *, at: datetime) -> OutboundMessage:
    common: dict[str, Any] = {
        "case_number": notice.data.case_number,
        "notification_id": notice.notice_id,
        "cause_event_id": notice.event.id,
        "cause_event_type": notice.event.type,
        "authorization_number": notice.data.authorization_number,
        "recipient": notice.recipient,
        "template": notice.template,
    }
    data: n.NotificationEvent
    if outcome.status == "sent":
        data = n.NotificationSent(**common)
    elif outcome.status == "failed":
        data = n.NotificationFailed(**common, reason=outcome.reason or "error")
    else:
        data = n.NotificationSkipped(**common, reason_code=outcome.reason_code or "skipped")
    event_id = str(uuid.uuid5(NOTICE_NAMESPACE, f"{notice.notice_id}|{outcome.status}"))
    envelope = build_event(
        data, event_id=event_id, source=SOURCE, time=at, causality=Causality.caused_by(notice.event)
    )
    return OutboundMessage.from_envelope(envelope, topic=data.topic, key=data.case_number)


def _parse(message: InboundMessage) -> tuple[RawEvent, Any]:
    try:
        event = RawEvent.model_validate_json(message.value)
    except ValueError as error:
        raise PoisonMessage(str(error)) from error
    if template_for(event.type) is None:
        return event, None  # not ours to read: ignore without parsing its data
    try:
        return event, parse_data(event)
    except ValueError as error:
        raise PoisonMessage(str(error)) from error
