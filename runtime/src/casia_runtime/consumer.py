"""Consuming with a bounded number of attempts: the dead-letter policy of STYLE.md §7.

A subscriber hands each raw Kafka record to :meth:`GuardedConsumer.consume`, which counts the
try in MongoDB *before* handling it (:mod:`casia_runtime.attempts`), so a record that kills its
process each time is recognised across restarts. Then:

- a handler that raises :class:`PoisonMessage` (unparseable, unknown type) gets its message
  dead-lettered at once;
- :class:`NotYet` (arrived before what it depends on) parks the message in MongoDB
  (:mod:`casia_runtime.parking`) and acknowledges it, so the partition goes on; the sweeper
  (:meth:`GuardedConsumer.sweep_parked`) retries it later with the same handler;
- any other error is retried by redelivery (the subscriber nacks) until ``max_attempts``;
- a record delivered more than ``max_attempts`` times is dead-lettered without a further try
  (its earlier tries ended with no outcome: the process died).

Dead letters go to ``casia.dlq.<service>.v1`` with the reason and the record is acknowledged,
so one bad message never blocks its partition.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage as KafkaMessageParam
from faststream.kafka.message import KafkaMessage
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.attempts import AttemptLog, InProcessAttemptLog, MongoAttemptLog
from casia_runtime.dead_letters import DeadLetters
from casia_runtime.failures import AttemptsExhausted, NotYet, PoisonMessage
from casia_runtime.logging import get_logger
from casia_runtime.messages import InboundMessage
from casia_runtime.mongo import Document
from casia_runtime.outbox import Publisher
from casia_runtime.parking import InProcessParkingLot, MongoParkingLot, ParkingLot
from casia_runtime.sweeper import Handler, ParkedSweeper, Patience, handling, place_of
from casia_telemetry.metrics import MESSAGES_HANDLED

# NotYet and PoisonMessage are re-exported: handlers raise them.
__all__ = [
    "AttemptsExhausted",
    "ConsumerState",
    "GuardedConsumer",
    "Handler",
    "NotYet",
    "PoisonMessage",
    "inbound",
    "raw_body",
    "subscribe_guarded",
]

log = get_logger(__name__)

ATTEMPTS = "consumer_attempts"
PARKED = "parked_messages"
MAX_RETRY_PAUSE_SECONDS = 5.0


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
        headers={name: value.decode(errors="replace") for name, value in record.headers or ()},
    )


@dataclass(frozen=True, slots=True)
class ConsumerState:
    """What a consumer keeps beyond its process: the tries of the record in hand per partition,
    and the messages it parked."""

    attempts: AttemptLog
    parked: ParkingLot
    patience: Patience = field(default_factory=Patience)

    @classmethod
    def in_mongo(cls, db: AsyncDatabase[Document], *, group: str) -> ConsumerState:
        """The state of consumer group ``group`` in the service's own database."""
        return cls(MongoAttemptLog(db[ATTEMPTS], group=group), MongoParkingLot(db[PARKED], group=group))

    @classmethod
    def in_process(cls) -> ConsumerState:
        """Kept in this process only, for consumers without a database (broker-tier tests)."""
        return cls(InProcessAttemptLog(), InProcessParkingLot())


class GuardedConsumer:
    """The consumer policy of one service (its consumer group is named after ``service``).

    ``state`` is kept in this process only when not given: services build theirs with
    ``Connections.guard()``, which keeps it in MongoDB.
    """

    def __init__(
        self,
        *,
        service: str,
        dead_letters: Publisher,
        max_attempts: int,
        retry_delay_seconds: float = 0.2,
        state: ConsumerState | None = None,
    ) -> None:
        self.service = service
        self._dead_letters = DeadLetters(service=service, publisher=dead_letters)
        self._max_attempts = max_attempts
        self._retry_delay = retry_delay_seconds
        self._state = state or ConsumerState.in_process()
        self._handlers: dict[str, Handler] = {}

    def register(self, topic: str, handler: Handler) -> None:
        """Remember which handler ``topic``'s messages go to, for the sweeper to use."""
        if self._handlers.setdefault(topic, handler) != handler:
            raise ValueError(f"{topic} is already consumed with another handler")

    def handler_for(self, topic: str) -> Handler:
        """The handler ``topic`` was subscribed with; KeyError if it was not."""
        return self._handlers[topic]

    async def consume(self, message: InboundMessage, handler: Handler) -> None:
        """Return to acknowledge the record; raise to have it redelivered.

        Counts the try first (in MongoDB when the state is there): raises, after a short pause,
        if even that fails. Returns once the message is handled, parked or dead-lettered.
        """
        attempts = await self._count(message)
        if attempts > self._max_attempts:
            error = AttemptsExhausted(
                f"delivered {attempts} times; the earlier tries ended without an outcome"
            )
            await self._dead_letters.send(message, error, attempts=attempts - 1)
            return
        try:
            with handling(message):
                await handler(message)
        except PoisonMessage as error:
            await self._dead_letters.send(message, error, attempts=attempts)
        except NotYet as error:
            await self._park(message, error)
        except Exception as error:
            if await self._retrying(message, error, attempts):
                raise
        else:
            MESSAGES_HANDLED.labels(topic=message.topic, outcome="handled").inc()

    async def sweep_parked(self) -> None:
        """The loop that retries this consumer's parked messages: a background loop of the
        service's worker (``build_worker(background=[..., guard.sweep_parked])``)."""
        await self.sweeper().run()

    def sweeper(self) -> ParkedSweeper:
        """The sweeper of this consumer's parked messages, dispatching to its handlers."""
        return ParkedSweeper(
            self._state.parked,
            handler_for=self.handler_for,
            dead_letters=self._dead_letters,
            max_attempts=self._max_attempts,
            patience=self._state.patience,
        )

    async def _count(self, message: InboundMessage) -> int:
        try:
            return await self._state.attempts.count(message)
        except Exception:
            # Not counted, not handled: redelivered after a pause rather than at once, in a loop.
            log.warning("message.attempt_not_counted", **place_of(message), exc_info=True)
            await asyncio.sleep(self._retry_delay)
            raise

    async def _park(self, message: InboundMessage, error: NotYet) -> None:
        at = datetime.now(UTC)
        due_at = at + self._state.patience.first_pause
        await self._state.parked.park(message, at=at, due_at=due_at, error=repr(error))
        MESSAGES_HANDLED.labels(topic=message.topic, outcome="parked").inc()
        log.info("message.parked", **place_of(message), due_at=due_at.isoformat(), error=repr(error))

    async def _retrying(self, message: InboundMessage, error: Exception, attempts: int) -> bool:
        """Whether to have the record redelivered (after a pause); dead-letters it otherwise."""
        if attempts >= self._max_attempts:
            await self._dead_letters.send(message, error, attempts=attempts)
            return False
        MESSAGES_HANDLED.labels(topic=message.topic, outcome="retried").inc()
        log.warning("message.retrying", **place_of(message), attempts=attempts, error=repr(error))
        await asyncio.sleep(min(self._retry_delay * attempts, MAX_RETRY_PAUSE_SECONDS))
        return True


def subscribe_guarded(
    broker: KafkaBroker, topic: str, *, guard: GuardedConsumer, handler: Handler, consumers: int
) -> None:
    """How every service consumes a topic, in the consumer group named after the service.

    Offsets are committed only after ``handler`` returned (NACK_ON_ERROR: an error seeks back and
    the record is redelivered), bodies reach ``handler`` undecoded, a new group starts at the
    earliest record, and ``guard`` bounds the retries and parks what came too early (the
    guard's sweeper hands it back to ``handler`` later). ``consumers`` consumers share the
    topic's partitions; each handles its own in order, so a case's messages stay ordered (except
    a parked message, applied after the ones behind it: see :class:`NotYet`).
    """
    guard.register(topic, handler)

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
