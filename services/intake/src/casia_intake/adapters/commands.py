"""Sends commands to Kafka as CloudEvents and says honestly what became of each.

Two steps, because their failures mean different things: handing the record to the producer
(if that fails or times out, the producer never took it: nothing will change) and Kafka's
acknowledgement (if that fails or times out, the producer may still deliver it: its fate is
unknown). In the second case the command is also written to intake's outbox, whose relay
publishes it again until Kafka acknowledges it; the workflow applies it once, by its id.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol

from casia_contracts.base import Message
from casia_contracts.envelope import Causality, build_event
from casia_intake.service.ports import BrokerUnavailable, DeliveryUnknown
from casia_runtime.logging import get_logger
from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import Session

log = get_logger(__name__)

SOURCE = "/casia/intake"


class Producer(Protocol):
    async def hand_over(self, message: OutboundMessage) -> Awaitable[object]:
        """Give the message to the producer; await the result for Kafka's acknowledgement."""
        ...


class Unconfirmed(Protocol):
    """Where a command Kafka did not acknowledge is kept (intake's outbox, relayed until it is)."""

    async def add(self, messages: Sequence[OutboundMessage], *, session: Session | None) -> None: ...


class KafkaCommandSender:
    """CommandSender: one CloudEvent per command (id = ``command_id``) on the command's topic,
    within ``timeout_seconds`` for both steps together."""

    def __init__(
        self,
        producer: Producer,
        *,
        unconfirmed: Unconfirmed,
        timeout_seconds: float,
        on_kept: Callable[[], None],
    ) -> None:
        self._producer = producer
        self._unconfirmed = unconfirmed
        self._timeout = timeout_seconds
        self._on_kept = on_kept

    async def send(self, command: Message, *, command_id: str, correlation_id: str, at: datetime) -> None:
        envelope = build_event(
            command, event_id=command_id, source=SOURCE, time=at, causality=Causality.start(correlation_id)
        )
        message = OutboundMessage.from_envelope(envelope, topic=command.topic, key=command.case_number)
        deadline = time.monotonic() + self._timeout
        try:
            acknowledgement = await asyncio.wait_for(self._producer.hand_over(message), timeout=self._timeout)
        except Exception as error:  # cancelled or refused before the producer took it: not sent
            raise BrokerUnavailable(str(error) or type(error).__name__) from error
        try:
            # Shielded: giving up waiting must not cancel the producer's own delivery.
            await asyncio.wait_for(
                asyncio.shield(acknowledgement), timeout=max(deadline - time.monotonic(), 0.001)
            )
        except Exception as error:  # taken, not acknowledged: it may still arrive
            await self._keep(message, error)
            raise DeliveryUnknown(str(error) or type(error).__name__) from error

    async def _keep(self, message: OutboundMessage, error: Exception) -> None:
        try:
            await self._unconfirmed.add([message], session=None)
        except Exception:  # the outbox is down too: the fate of this command is truly unknown
            log.exception("command.not_kept", message_id=message.id, delivery_error=repr(error))
            return
        log.warning("command.unconfirmed", message_id=message.id, delivery_error=repr(error))
        self._on_kept()
