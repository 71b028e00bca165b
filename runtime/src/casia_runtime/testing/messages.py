"""Messages as a consumer reads them, for tests that feed a service's use cases directly."""

from __future__ import annotations

import uuid
from datetime import datetime

from casia_contracts.base import Message
from casia_contracts.envelope import Causality, build_event
from casia_runtime.messages import InboundMessage, OutboundMessage


def as_received(data: Message, *, source: str, at: datetime, event_id: str | None = None) -> InboundMessage:
    """``data`` as read from its topic: a structured CloudEvent from ``source``, keyed by its case
    number, that starts a journey of its own; ``event_id`` is fresh unless given."""
    envelope = build_event(
        data,
        event_id=event_id or str(uuid.uuid4()),
        source=source,
        time=at,
        causality=Causality.start("test"),
    )
    sent = OutboundMessage.from_envelope(envelope, topic=data.topic, key=data.case_number)
    return InboundMessage(topic=sent.topic, partition=0, offset=0, key=sent.key, value=sent.value)
