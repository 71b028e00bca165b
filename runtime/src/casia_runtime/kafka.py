"""Kafka through FastStream: the broker every service uses and the publisher of outbox entries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from functools import partial

from aiokafka import AIOKafkaProducer
from aiokafka.errors import OutOfOrderSequenceNumber, ProducerFenced
from faststream.kafka import KafkaBroker

from casia_runtime.logging import get_logger
from casia_runtime.messages import OutboundMessage
from casia_runtime.settings import RuntimeSettings

log = get_logger(__name__)


def make_broker(settings: RuntimeSettings) -> KafkaBroker:
    """A broker whose producer waits for all in-sync replicas and never duplicates on retry.

    ``CASIA_KAFKA_BOOTSTRAP`` may list several brokers, comma-separated: FastStream takes a list
    (a string it would read as one host)."""
    return KafkaBroker(
        [address.strip() for address in settings.kafka_bootstrap.split(",")],
        client_id=settings.service_name,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=int(settings.kafka_request_timeout_seconds * 1000),
        graceful_timeout=10.0,
        # A plain stdlib logger: its records reach the root handler, so they come out as JSON.
        logger=logging.getLogger("casia.broker"),
    )


FATAL_TO_A_PRODUCER = (OutOfOrderSequenceNumber, ProducerFenced)
"""Errors after which an idempotent producer fails every later send: Kafka lost batches it had
in flight (a broker restarted under it) or another producer took its id."""


class KafkaPublisher:
    """Publishes already-serialized messages, pipelined, and waits for every acknowledgement,
    through a producer of its own that waits for all in-sync replicas and never duplicates on
    retry (as :func:`make_broker`'s).

    Its own rather than the broker's so that it can be replaced: a producer hit by one of
    :data:`FATAL_TO_A_PRODUCER` is closed and a new one (a new producer id) takes the next
    hand-over. What the old one had in flight was never acknowledged, so its senders treat it as
    not surely delivered and send it again; consumers deduplicate by id.
    """

    def __init__(self, settings: RuntimeSettings) -> None:
        self._settings = settings
        self._producer: AIOKafkaProducer | None = None
        self._broken: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

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
        producer = await self._in_service()
        try:
            acknowledgement: asyncio.Future[object] = await producer.send(
                message.topic,
                message.value,
                key=message.key.encode(),
                headers=[(name, value.encode()) for name, value in message.headers.items()],
            )
        except FATAL_TO_A_PRODUCER:
            self._broken = producer
            raise
        acknowledgement.add_done_callback(partial(self._watch, producer))
        return acknowledgement

    async def close(self) -> None:
        async with self._lock:
            if self._producer is not None:
                await _stopped(self._producer)
                self._producer = None

    def _watch(self, producer: AIOKafkaProducer, acknowledgement: asyncio.Future[object]) -> None:
        if not acknowledgement.cancelled() and isinstance(acknowledgement.exception(), FATAL_TO_A_PRODUCER):
            self._broken = producer

    async def _in_service(self) -> AIOKafkaProducer:
        """The producer, started on first use and replaced once broken; raises (nothing taken)
        when Kafka cannot be reached to start one."""
        async with self._lock:
            if self._producer is not None and self._producer is self._broken:
                log.warning("kafka.producer_replaced", reason="OutOfOrderSequenceNumber or ProducerFenced")
                await _stopped(self._producer)
                self._producer = None
            if self._producer is None:
                producer = AIOKafkaProducer(
                    bootstrap_servers=self._settings.kafka_bootstrap,
                    client_id=self._settings.service_name,
                    acks="all",
                    enable_idempotence=True,
                    request_timeout_ms=int(self._settings.kafka_request_timeout_seconds * 1000),
                )
                try:
                    await producer.start()
                except BaseException:
                    await _stopped(producer)
                    raise
                self._producer = producer
            return self._producer


async def _stopped(producer: AIOKafkaProducer) -> None:
    """Stop a producer; one that is broken may raise its own error while stopping."""
    try:
        await producer.stop()
    except Exception:
        log.warning("kafka.producer_stop_failed", exc_info=True)


async def kafka_ready(broker: KafkaBroker) -> bool:
    try:
        return await broker.ping(timeout=2.0)
    except Exception:  # readiness reports any failure as "not ready"
        return False
