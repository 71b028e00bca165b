"""Consuming with a bounded number of attempts: the dead-letter policy of STYLE.md §7.

A subscriber hands each raw Kafka record to :meth:`GuardedConsumer.consume`. A handler that
raises :class:`PoisonMessage` (unparseable, unknown type) is dead-lettered at once; any other
error is retried by redelivery (the subscriber nacks) until ``max_attempts``, then the message
goes to ``casia.dlq.<service>.v1`` with the reason and is acknowledged, so one bad message never
blocks its partition.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage as KafkaMessageParam
from faststream.kafka.message import KafkaMessage

from casia_contracts.dead_letters import DeadLetter
from casia_contracts.topics import dead_letter_topic
from casia_runtime.logging import get_logger
from casia_runtime.messages import InboundMessage, OutboundMessage
from casia_runtime.metrics import DEAD_LETTERS, MESSAGES_HANDLED
from casia_runtime.outbox import Publisher

log = get_logger(__name__)

Handler = Callable[[InboundMessage], Awaitable[None]]
RecordId = tuple[str, int, int]


class NotYet(Exception):
    """The message is fine but arrived before what it depends on (e.g. a document outcome before
    its case): retried patiently, for up to ``PATIENCE`` attempts with growing pauses (about ten
    minutes in all), before it is dead-lettered like any other failure."""

    PATIENCE = 120
    MAX_PAUSE_SECONDS = 5.0


class PoisonMessage(Exception):
    """The message can never be handled (bad JSON, unknown type, invalid data)."""


async def raw_body(message: Any) -> bytes:
    """FastStream decoder that leaves the body undecoded: parsing is the handler's job."""
    body: bytes = message.body
    return body


def inbound(message: KafkaMessage) -> InboundMessage:
    record = message.raw_message
    if isinstance(record, tuple):  # batch subscribers are not used: one record per message
        raise TypeError("expected a single Kafka record, got a batch")
    return InboundMessage(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key.decode(errors="replace") if record.key is not None else None,
        value=record.value or b"",
    )


class GuardedConsumer:
    def __init__(
        self, *, service: str, dead_letters: Publisher, max_attempts: int, retry_delay_seconds: float = 0.2
    ) -> None:
        self.service = service
        self._dead_letters = dead_letters
        self._max_attempts = max_attempts
        self._retry_delay = retry_delay_seconds
        self._attempts: dict[RecordId, int] = {}

    async def consume(self, message: InboundMessage, handler: Handler) -> None:
        """Return to acknowledge; raise to have the record redelivered."""
        record: RecordId = (message.topic, message.partition, message.offset)
        try:
            await handler(message)
        except PoisonMessage as error:
            await self._dead_letter(message, error, attempts=1)
        except Exception as error:
            attempts = self._attempts.get(record, 0) + 1
            limit = NotYet.PATIENCE if isinstance(error, NotYet) else self._max_attempts
            if attempts < limit:
                self._attempts[record] = attempts
                MESSAGES_HANDLED.labels(topic=message.topic, outcome="retried").inc()
                log.warning(
                    "message.retrying",
                    topic=message.topic,
                    partition=message.partition,
                    offset=message.offset,
                    attempts=attempts,
                    error=repr(error),
                )
                await asyncio.sleep(min(self._retry_delay * attempts, NotYet.MAX_PAUSE_SECONDS))
                raise
            await self._dead_letter(message, error, attempts=attempts)
        else:
            MESSAGES_HANDLED.labels(topic=message.topic, outcome="handled").inc()
        self._attempts.pop(record, None)

    async def _dead_letter(self, message: InboundMessage, error: Exception, *, attempts: int) -> None:
        letter = DeadLetter(
            consumer_group=self.service,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            key=message.key,
            payload=message.value.decode(errors="replace"),
            error_type=type(error).__name__,
            error=str(error) or repr(error),
            attempts=attempts,
            failed_at=datetime.now(UTC),
        )
        topic = dead_letter_topic(self.service)
        await self._dead_letters.publish_all(
            [
                OutboundMessage(
                    id=f"{message.topic}:{message.partition}:{message.offset}",
                    topic=topic,
                    key=message.key or "",
                    value=letter.model_dump_json().encode(),
                    headers={"content-type": "application/json"},
                )
            ]
        )
        MESSAGES_HANDLED.labels(topic=message.topic, outcome="dead_lettered").inc()
        DEAD_LETTERS.labels(topic=message.topic).inc()
        log.error(
            "message.dead_lettered",
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            attempts=attempts,
            error=letter.error,
            dead_letter_topic=topic,
        )


def subscribe_guarded(
    broker: KafkaBroker, topic: str, *, guard: GuardedConsumer, handler: Handler, consumers: int
) -> None:
    """How every service consumes a topic, in the consumer group named after the service.

    Offsets are committed only after ``handler`` returned (NACK_ON_ERROR: an error seeks back and
    the record is redelivered), bodies reach ``handler`` undecoded, a new group starts at the
    earliest record, and ``guard`` bounds the retries. ``consumers`` consumers share the topic's
    partitions; each handles its own in order, so a case's messages stay ordered.
    """

    @broker.subscriber(
        topic,
        group_id=guard.service,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        auto_offset_reset="earliest",
        decoder=raw_body,
        max_workers=consumers,
    )
    async def on_message(body: bytes, message: KafkaMessageParam) -> None:
        await guard.consume(inbound(message), handler)
