"""The notifier's messages: an event read as the notice it carries, the e-mail of a notice, and
the ``notification.*`` event that reports how it ended. Ids derive from the notice, so doing any
of it again yields the same message."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casia_contracts import notifications as n
from casia_contracts.envelope import Causality, RawEvent, build_event
from casia_contracts.registry import parse_data
from casia_notifier.service.notices import concerns_the_contact, template_for
from casia_notifier.service.ports import DeliveryStatus, Mail, Notice, NoticeCause, Outcome, RenderedNotice
from casia_runtime.consumer import PoisonMessage
from casia_runtime.messages import InboundMessage, OutboundMessage

SOURCE = "/casia/notifier"
NOTICE_NAMESPACE = uuid.UUID("a3c9e1f2-5b7d-4e8a-9c0b-1d2e3f4a5b6c")


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


def mail_of(notice: Notice, rendered: RenderedNotice) -> Mail:
    """The notice's e-mail to its recipient; its Message-ID derives from the notice, so a re-sent
    one repeats it. Raises ValueError for a notice without a recipient (it is skipped, not sent)."""
    if not notice.recipient:
        raise ValueError(f"notice {notice.notice_id} has no recipient")
    return Mail(
        message_id=str(uuid.uuid5(NOTICE_NAMESPACE, notice.notice_id)),
        recipient=notice.recipient,
        subject=rendered.subject,
        body=rendered.body,
        html=rendered.html,
    )


def report_of(cause: RawEvent, notice: Notice, outcome: Outcome, *, at: datetime) -> OutboundMessage:
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


def read_notice(message: InboundMessage) -> Received | None:
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
