"""Consuming with a bounded number of attempts: the dead-letter policy of STYLE.md §7.

Each try of a record is counted in MongoDB *before* it is handled (:mod:`casia_runtime.attempts`),
so a record that kills its process each time is recognised across restarts. The subscriber hands
a poll's records to :mod:`casia_runtime.batches`, which counts once per partition while all goes
well and record by record otherwise, and tries each with :meth:`GuardedConsumer.attempt`:

- a handler that raises :class:`PoisonMessage` (unparseable, unknown type) gets its message
  dead-lettered at once;
- :class:`NotYet` (arrived before what it depends on) parks the message in MongoDB
  (:mod:`casia_runtime.parking`) and acknowledges it, so the partition goes on; the sweeper
  (:meth:`GuardedConsumer.sweep_parked`) retries it later with the same handler;
- any other error is tried again after a pause (its partition is rewound to it) until
  ``max_attempts``;
- a record tried more than ``max_attempts`` times is dead-lettered without a further try (its
  earlier tries ended with no outcome: the process died).

Dead letters go to ``casia.dlq.<service>.v1`` with the reason and the record is acknowledged,
so one bad message never blocks its partition. :meth:`GuardedConsumer.consume` does the same for
one record on its own (tests, tools).
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.structs import TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage as KafkaMessageParam
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.attempts import AttemptLog, InProcessAttemptLog, MongoAttemptLog
from casia_runtime.batches import Handling, consume_batch
from casia_runtime.dead_letters import DeadLetters
from casia_runtime.failures import AttemptsExhausted, NotYet, PoisonMessage
from casia_runtime.logging import get_logger
from casia_runtime.messages import InboundMessage
from casia_runtime.mongo import Document
from casia_runtime.parking import InProcessParkingLot, MongoParkingLot, ParkingLot
from casia_runtime.relay import Publisher
from casia_runtime.sweeper import Handler, ParkedSweeper, Patience, handling, in_its_trace, place_of
from casia_telemetry.metrics import MESSAGES_HANDLED

# NotYet and PoisonMessage are re-exported: handlers raise them.
__all__ = [
    "AttemptsExhausted",
    "ConsumerState",
    "GuardedConsumer",
    "Handler",
    "Handling",
    "NotYet",
    "PoisonMessage",
    "consumer_name",
    "in_its_trace",
    "inbound",
    "raw_body",
    "subscribe_guarded",
]

log = get_logger(__name__)

ATTEMPTS = "consumer_attempts"
PARKED = "parked_messages"
MAX_RETRY_PAUSE_SECONDS = 5.0
MAX_BATCH_RECORDS = 200
BATCH_WAIT_MS = 100
"""How long a poll waits for records when there are none (it returns at once when there are)."""


_CONSUMER: ContextVar[str | None] = ContextVar("casia_consumer", default=None)


def consumer_name() -> str | None:
    """The Kafka consumer of this process whose records are being handled here (the topic and
    which of its consumers); None outside a subscriber. The same for every batch, retry and
    partition that consumer handles, different for any other consumer of the process: what a
    claim made on the consumer's behalf is held by (a task's name changes with every batch)."""
    return _CONSUMER.get()


async def raw_body(message: Any) -> bytes:
    """FastStream decoder that leaves the body undecoded: parsing is the handler's job."""
    body: bytes = message.body
    return body


def inbound(record: ConsumerRecord[bytes, bytes]) -> InboundMessage:
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
        failure = await self.attempt(message, handler, attempts=await self.count(message))
        if failure is not None:
            raise failure

    async def attempt(self, message: InboundMessage, handler: Handler, *, attempts: int) -> Exception | None:
        """Try ``message`` as its ``attempts``-th try (already counted). None once it is handled,
        parked or dead-lettered; the error, after a pause, when it is to be tried again."""
        if attempts > self._max_attempts:
            exhausted = AttemptsExhausted(
                f"delivered {attempts} times; the earlier tries ended without an outcome"
            )
            await self._dead_letters.send(message, exhausted, attempts=attempts - 1)
            return None
        try:
            with handling(message):
                await handler(message)
        except PoisonMessage as error:
            await self._dead_letters.send(message, error, attempts=attempts)
        except NotYet as error:
            await self._park(message, error)
        except Exception as error:
            if await self._retrying(message, error, attempts):
                return error
        else:
            MESSAGES_HANDLED.labels(topic=message.topic, outcome="handled").inc()
        return None

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

    async def count(self, message: InboundMessage) -> int:
        """Count one more try of ``message`` (see :mod:`casia_runtime.attempts`)."""
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
    broker: KafkaBroker, topic: str, *, guard: GuardedConsumer, handler: Handler | Handling, consumers: int
) -> None:
    """How every service consumes a topic, in the consumer group named after the service.

    ``consumers`` consumers share the topic's partitions, each taking what a poll brings (up to
    :data:`MAX_BATCH_RECORDS`) as one batch (:mod:`casia_runtime.batches`): its partitions in
    parallel, each partition's records in order, so a case's messages stay ordered (except a
    parked message, applied after the ones behind it: see :class:`NotYet`). Offsets are committed
    only once the records are handled (a batch interrupted is delivered again from there), bodies
    reach ``handler`` undecoded, a new group starts at the earliest record, and ``guard`` bounds
    the retries and parks what came too early (its sweeper hands it back to ``handler`` later).
    A :class:`~casia_runtime.batches.Handling` with a ``together`` handler also applies a poll's
    records in one unit of work while nothing goes wrong (see :mod:`casia_runtime.batches`).
    """
    handlers = handler if isinstance(handler, Handling) else Handling(handler)
    guard.register(topic, handlers.each)
    for which in range(consumers):
        _subscribe_batches(broker, topic, guard=guard, handlers=handlers, name=f"{topic}#{which}")


def _subscribe_batches(
    broker: KafkaBroker, topic: str, *, guard: GuardedConsumer, handlers: Handling, name: str
) -> None:
    @broker.subscriber(
        topic,
        group_id=guard.service,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        auto_offset_reset="earliest",
        decoder=raw_body,
        batch=True,
        max_records=MAX_BATCH_RECORDS,
        batch_timeout_ms=BATCH_WAIT_MS,
    )
    async def on_batch(bodies: list[bytes], message: KafkaMessageParam) -> None:
        raw = message.raw_message  # a tuple of records from Kafka, a list from TestKafkaBroker
        records = raw if isinstance(raw, tuple | list) else (raw,)
        progress = _ConsumerProgress(message.consumer)
        messages = [inbound(record) for record in records]
        handling_as = _CONSUMER.set(name)  # the tasks the batch starts inherit it
        try:
            await consume_batch(guard, messages, handlers, progress=progress)
        finally:
            _CONSUMER.reset(handling_as)


@dataclass(frozen=True, slots=True)
class _ConsumerProgress:
    """A batch's partitions as its Kafka consumer keeps them."""

    consumer: Any

    async def commit(self, done: InboundMessage) -> None:
        if isinstance(self.consumer, AIOKafkaConsumer):
            await self.consumer.commit({TopicPartition(done.topic, done.partition): done.offset + 1})
        else:  # FastStream's TestKafkaBroker hands a stand-in that keeps no offsets
            await self.consumer.commit()

    def rewind(self, failed: InboundMessage) -> None:
        self.consumer.seek(TopicPartition(failed.topic, failed.partition), failed.offset)
