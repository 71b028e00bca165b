"""The CloudEvents 1.0 envelope (structured mode, JSON) that wraps every command and event.

Writing: build the ``data`` model, then :func:`build_event` with an id, the emitting service's
``source``, the time and the :class:`Causality`; serialize with ``model_dump_json()`` and publish it
keyed by ``subject`` (the case number) with the Kafka header ``content-type:
application/cloudevents+json; charset=UTF-8`` (:data:`CLOUDEVENTS_CONTENT_TYPE`).

Reading: ``RawEvent.model_validate_json(value)`` checks the envelope, then
``casia_contracts.registry.parse_data(event)`` picks the data model by ``type``. Both ignore
unknown attributes. Unset optional attributes may be written as ``null`` or left out: the
CloudEvents JSON format treats both as absent.

Nothing here invents values: ids and times are passed in (:func:`new_event_id` is a convenience
for callers), so an outbox can store an envelope and re-publish it unchanged.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Final, Generic, Literal, Self, TypeVar

from pydantic import Field, model_validator

from casia_contracts.base import ContractModel, Message, NonBlankStr, UriReference, UtcDatetime

SPECVERSION: Final = "1.0"
DATA_CONTENT_TYPE: Final = "application/json"
CLOUDEVENTS_CONTENT_TYPE: Final = "application/cloudevents+json; charset=UTF-8"
"""The Kafka ``content-type`` header of a structured-mode CloudEvent."""

DataT = TypeVar("DataT")
MessageT = TypeVar("MessageT", bound=Message)


class CloudEvent(ContractModel, Generic[DataT]):
    """A CloudEvents 1.0 event in structured JSON mode; ``data`` is the command or event.

    ``id`` is unique per message and stable across redeliveries and re-publication: consumers
    deduplicate by it. ``subject`` is the case number and equals the Kafka key. ``correlationid``
    follows a case journey across services (the id of the request or command that started it);
    ``causationid`` is the id of the message that caused this one (absent for a first message).
    When ``data`` is a contract message, ``type`` must be its type and ``subject`` its case number.
    """

    specversion: Literal["1.0"] = Field(description="CloudEvents version, always 1.0.")
    id: NonBlankStr = Field(description="Unique message id, stable across redeliveries.")
    source: UriReference = Field(description="URI-reference of the emitter, e.g. /casia/workflow.")
    type: NonBlankStr = Field(description="What the message is, e.g. es.casia.case.opened.")
    subject: NonBlankStr = Field(description="The case number; also the Kafka key.")
    time: UtcDatetime = Field(description="When the message was produced (UTC).")
    datacontenttype: Literal["application/json"] = Field(
        default="application/json", description="Media type of data: always application/json."
    )
    dataschema: NonBlankStr | None = Field(default=None, description="URI of data's schema, if stated.")
    correlationid: NonBlankStr = Field(description="Follows one case journey across services.")
    causationid: NonBlankStr | None = Field(
        default=None, description="Id of the message that caused this one."
    )
    data: DataT

    @model_validator(mode="after")
    def _data_matches_envelope(self) -> Self:
        if isinstance(self.data, Message):
            check_consistency(self.type, self.subject, self.data)
        return self


RawEvent = CloudEvent[dict[str, Any]]
"""An envelope whose ``data`` is not parsed yet: the first step of every reader."""


def check_consistency(event_type: str, subject: str, data: Message) -> None:
    """Raise ValueError unless ``type`` names ``data``'s model and ``subject`` is its case number."""
    if event_type != data.message_type:
        raise ValueError(f"type {event_type!r} does not match data {type(data).__name__}")
    if subject != data.case_number:
        raise ValueError(f"subject {subject!r} is not the case number {data.case_number!r}")


class Causality(ContractModel):
    """Why a message exists: the journey it belongs to and the message that caused it."""

    correlation_id: NonBlankStr
    causation_id: NonBlankStr | None = None

    @classmethod
    def start(cls, correlation_id: str) -> Causality:
        """A new journey (e.g. a request at the gateway): nothing caused it inside the system."""
        return cls(correlation_id=correlation_id)

    @classmethod
    def caused_by(cls, cause: CloudEvent[Any]) -> Causality:
        """A message emitted because ``cause`` was handled: same journey, caused by ``cause.id``."""
        return cls(correlation_id=cause.correlationid, causation_id=cause.id)


def build_event(
    data: MessageT, *, event_id: str, source: str, time: datetime, causality: Causality
) -> CloudEvent[MessageT]:
    """The envelope for ``data``: ``type`` and ``subject`` come from the data model itself."""
    return CloudEvent(
        specversion="1.0",
        id=event_id,
        source=source,
        type=data.message_type,
        subject=data.case_number,
        time=time,
        datacontenttype="application/json",
        correlationid=causality.correlation_id,
        causationid=causality.causation_id,
        data=data,
    )


def envelope_model(model: type[MessageT]) -> type[CloudEvent[MessageT]]:
    """``CloudEvent[model]`` for a model known only at run time (schemas, typed parsing)."""
    return CloudEvent[model]  # type: ignore[valid-type]


def new_event_id() -> str:
    """A fresh random id (UUID 4). Call it once per message and store it with the message."""
    return str(uuid.uuid4())
