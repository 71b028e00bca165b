"""Sends commands to Kafka as CloudEvents, waiting for the broker's acknowledgement (acks=all)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime

from casia_contracts.base import Message
from casia_contracts.envelope import Causality, build_event
from casia_runtime.messages import OutboundMessage
from casia_runtime.outbox import Publisher

SOURCE = "/casia/intake"
# Command ids derive from what makes a command unique, so a retried request re-sends the same id.
COMMAND_NAMESPACE = uuid.UUID("6f1c1a6e-9f4e-4c55-9a43-2b1d7c0e5a10")


class BrokerUnavailable(Exception):
    """Kafka did not acknowledge in time: nothing may be reported as accepted."""


class CommandSender:
    def __init__(self, publisher: Publisher, *, timeout_seconds: float) -> None:
        self._publisher = publisher
        self._timeout = timeout_seconds

    async def send(self, command: Message, *, command_id: str, correlation_id: str, at: datetime) -> None:
        """Publish ``command`` keyed by its case; raise :class:`BrokerUnavailable` without an ack."""
        envelope = build_event(
            command, event_id=command_id, source=SOURCE, time=at, causality=Causality.start(correlation_id)
        )
        message = OutboundMessage.from_envelope(envelope, topic=command.topic, key=command.case_number)
        try:
            await asyncio.wait_for(self._publisher.publish_all([message]), timeout=self._timeout)
        except Exception as error:  # any failure to get an ack means "not accepted"
            raise BrokerUnavailable(str(error) or type(error).__name__) from error


def stable_command_id(*parts: str) -> str:
    return str(uuid.uuid5(COMMAND_NAMESPACE, "|".join(parts)))
