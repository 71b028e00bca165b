"""Notification events (topic ``casia.notifications.events.v1``, from the notifier).

The notifier reacts to case and receipt events; for each (cause event, recipient) it records
exactly one outcome and emits it: sent, failed for good, or skipped (never lost silently).
"""

from __future__ import annotations

from typing import ClassVar

from casia_contracts import topics
from casia_contracts.base import AuthorizationNumber, Message, NonBlankStr


class NotificationEvent(Message):
    """Common part: which notice, caused by which event, for whom, with which template.

    ``notification_id`` is stable for one (cause event, recipient); ``recipient`` is the e-mail
    address, ``None`` when the authorization has none.
    """

    topic: ClassVar[str] = topics.NOTIFICATION_EVENTS

    notification_id: NonBlankStr
    cause_event_id: NonBlankStr
    cause_event_type: NonBlankStr
    authorization_number: AuthorizationNumber
    recipient: NonBlankStr | None = None
    template: NonBlankStr


class NotificationSent(NotificationEvent):
    """The e-mail was accepted by the SMTP server."""

    message_type: ClassVar[str] = "es.casia.notification.sent"


class NotificationFailed(NotificationEvent):
    """The e-mail could not be delivered and will not be retried; ``reason`` says why."""

    message_type: ClassVar[str] = "es.casia.notification.failed"

    reason: NonBlankStr


class NotificationSkipped(NotificationEvent):
    """No e-mail was sent, on purpose: ``reason_code`` is e.g. ``no_contact``, ``no_consent``,
    ``no_template``."""

    message_type: ClassVar[str] = "es.casia.notification.skipped"

    reason_code: NonBlankStr


NOTIFICATION_MODELS: tuple[type[Message], ...] = (NotificationSent, NotificationFailed, NotificationSkipped)
