"""Every message type: its CloudEvents ``type``, its data model and its topic.

A consumer reads the envelope first (``RawEvent``), then parses ``data`` by ``type``::

    event = RawEvent.model_validate_json(value)
    data = parse_data(event)          # e.g. a CaseOpened
    match data:
        case CaseOpened(): ...

Both steps raise ValueError (pydantic's ValidationError is one) for a message that cannot be read,
which is what a consumer sends to its dead-letter topic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from casia_contracts.base import Message
from casia_contracts.case_events import CASE_EVENT_MODELS
from casia_contracts.commands import CASE_COMMAND_MODELS
from casia_contracts.documents import DOCUMENT_MODELS
from casia_contracts.envelope import CloudEvent, check_consistency
from casia_contracts.notifications import NOTIFICATION_MODELS
from casia_contracts.receipts import RECEIPT_MODELS

MESSAGE_MODELS: Final[tuple[type[Message], ...]] = (
    *CASE_COMMAND_MODELS,
    *CASE_EVENT_MODELS,
    *DOCUMENT_MODELS,
    *RECEIPT_MODELS,
    *NOTIFICATION_MODELS,
)
"""Every command and event model, in documentation order."""

EVENT_TYPES: Final[Mapping[str, type[Message]]] = {model.message_type: model for model in MESSAGE_MODELS}
"""CloudEvents ``type`` -> data model, for every command and event."""

TYPES_BY_TOPIC: Final[Mapping[str, tuple[str, ...]]] = {
    topic: tuple(model.message_type for model in MESSAGE_MODELS if model.topic == topic)
    for topic in dict.fromkeys(model.topic for model in MESSAGE_MODELS)
}
"""Topic -> the types that travel on it (a consumer may ignore types it does not handle)."""


class UnknownEventTypeError(ValueError):
    """The envelope's ``type`` is not one of this contract's types."""

    def __init__(self, event_type: str) -> None:
        super().__init__(f"unknown CloudEvents type {event_type!r}: not in casia_contracts.EVENT_TYPES")
        self.event_type = event_type


def model_for(event_type: str) -> type[Message]:
    """The data model of ``event_type``; raises :class:`UnknownEventTypeError`."""
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventTypeError(event_type) from None


def parse_data(event: CloudEvent[Any]) -> Message:
    """The envelope's ``data`` as the model its ``type`` names, checked against ``subject``.

    Raises :class:`UnknownEventTypeError` for a type not in :data:`EVENT_TYPES`, pydantic's
    ValidationError for data that does not fit the model, and ValueError when ``subject`` is not
    the data's case number. Unknown fields in ``data`` are ignored.
    """
    model = model_for(event.type)
    data = model.model_validate(event.data)
    check_consistency(event.type, event.subject, data)
    return data
