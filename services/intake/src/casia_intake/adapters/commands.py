"""Sends commands to Kafka as CloudEvents, waiting for the broker's acknowledgement (acks=all)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from casia_contracts.base import Message
from casia_contracts.envelope import Causality, build_event
from casia_intake.service.ports import BrokerUnavailable
from casia_runtime.messages import OutboundMessage
from casia_runtime.outbox import Publisher

SOURCE = "/casia/intake"


class KafkaCommandSender:
    """CommandSender: one CloudEvent per command (id = ``command_id``) on the command's topic."""

    def __init__(self, publisher: Publisher, *, timeout_seconds: float) -> None:
        self._publisher = publisher
        self._timeout = timeout_seconds

    async def send(self, command: Message, *, command_id: str, correlation_id: str, at: datetime) -> None:
        """Publish ``command`` keyed by its case; raise :class:`BrokerUnavailable` without an ack
        within the timeout (any failure of the publisher counts as no ack)."""
        envelope = build_event(
            command, event_id=command_id, source=SOURCE, time=at, causality=Causality.start(correlation_id)
        )
        message = OutboundMessage.from_envelope(envelope, topic=command.topic, key=command.case_number)
        try:
            await asyncio.wait_for(self._publisher.publish_all([message]), timeout=self._timeout)
        except Exception as error:  # any failure to get an ack means "not accepted"
            raise BrokerUnavailable(str(error) or type(error).__name__) from error
