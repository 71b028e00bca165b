"""Kafka through FastStream: the broker every service uses and the publisher of outbox entries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence

from faststream.kafka import KafkaBroker

from casia_runtime.messages import OutboundMessage
from casia_runtime.settings import RuntimeSettings


def make_broker(settings: RuntimeSettings) -> KafkaBroker:
    """A broker whose producer waits for all in-sync replicas and never duplicates on retry."""
    return KafkaBroker(
        settings.kafka_bootstrap,
        client_id=settings.service_name,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=int(settings.kafka_request_timeout_seconds * 1000),
        graceful_timeout=10.0,
        # A plain stdlib logger: its records reach the root handler, so they come out as JSON.
        logger=logging.getLogger("casia.broker"),
    )


class KafkaPublisher:
    """Publishes already-serialized messages, pipelined, and waits for every acknowledgement."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def publish_all(self, messages: Sequence[OutboundMessage]) -> None:
        pending = [await self.hand_over(message) for message in messages]
        await asyncio.gather(*pending)

    async def hand_over(self, message: OutboundMessage) -> Awaitable[object]:
        """Give ``message`` to the producer and return its acknowledgement, to be awaited.

        Two steps because their failures mean different things. If this coroutine raises or is
        cancelled, the producer never took the message: it will not reach Kafka. Once it has
        returned, the producer sends the message whatever happens to the caller, so a failed or
        abandoned acknowledgement leaves its fate unknown until the delivery bound has passed.
        """
        acknowledgement: Awaitable[object] = await self._broker.publish(
            message.value,
            message.topic,
            key=message.key.encode(),
            headers=message.headers,
            no_confirm=True,
        )
        return acknowledgement


async def kafka_ready(broker: KafkaBroker) -> bool:
    try:
        return await broker.ping(timeout=2.0)
    except Exception:  # readiness reports any failure as "not ready"
        return False
