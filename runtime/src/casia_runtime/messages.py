"""Messages as the runtime moves them: already-serialized CloudEvents with their topic and key.

The runtime never interprets ``data``; services build envelopes from ``casia_contracts`` models
and hand them over as :class:`OutboundMessage`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from casia_contracts.envelope import CLOUDEVENTS_CONTENT_TYPE
from casia_telemetry.tracing import trace_headers


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One message to publish: ``id`` is the CloudEvent id, stable across re-publication."""

    id: str
    topic: str
    key: str
    value: bytes
    headers: dict[str, str] = field(default_factory=dict)
    sequence: int = 0
    """Order among the messages of one key (e.g. derived from the case version): the relay
    publishes a key's pending messages by it, whatever the clocks of the writers said."""

    @classmethod
    def from_envelope(
        cls, envelope: BaseModel, *, topic: str, key: str, sequence: int = 0
    ) -> OutboundMessage:
        """Serialize a CloudEvent model (structured mode, JSON) exactly once; the headers carry
        the trace context of the span it is written in, for its consumers to continue."""
        value = envelope.model_dump_json(exclude_none=True).encode()
        event_id = str(getattr(envelope, "id"))  # noqa: B009 - any CloudEvent model
        headers = {"content-type": CLOUDEVENTS_CONTENT_TYPE, **trace_headers()}
        return cls(id=event_id, topic=topic, key=key, value=value, headers=headers, sequence=sequence)


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message as read from Kafka, before parsing: what a dead letter must preserve."""

    topic: str
    partition: int
    offset: int
    key: str | None
    value: bytes
    headers: dict[str, str] = field(default_factory=dict)
    """Its Kafka headers (the trace context among them), decoded as text."""

    def json(self) -> dict[str, Any]:
        """The decoded JSON object; raises ValueError for anything else."""
        document = json.loads(self.value)
        if not isinstance(document, dict):
            raise ValueError("message is not a JSON object")
        return document
