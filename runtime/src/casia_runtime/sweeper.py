"""The sweeper of parked messages: retries what arrived too early, off the partition's path.

Every instance of a service runs one (``guard.sweep_parked`` in its worker's background list).
It claims the parked message due first, hands it to the handler its topic was subscribed with,
and records the outcome: handled → removed; NotYet → parked again after a longer pause; another
failure → parked again, or dead-lettered once it failed ``max_attempts`` times; patience run out
or unreadable → dead-lettered (same topic and format as the consumer's own dead letters).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from casia_runtime.dead_letters import DeadLetters
from casia_runtime.failures import AttemptsExhausted, NotYet, PoisonMessage
from casia_runtime.logging import get_logger
from casia_runtime.messages import InboundMessage
from casia_runtime.parking import Parked, ParkingLot
from casia_telemetry.metrics import MESSAGE_HANDLING_SECONDS, MESSAGES_HANDLED
from casia_telemetry.tracing import consuming

log = get_logger(__name__)

Handler = Callable[[InboundMessage], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Patience:
    """How long, and how often, a message that came too early is tried again."""

    first_pause: timedelta = timedelta(seconds=1)
    max_pause: timedelta = timedelta(seconds=60)
    """Pauses double from ``first_pause`` up to this."""
    limit: timedelta = timedelta(minutes=10)
    """From its first parking: a message still not handled by then is dead-lettered."""
    claim: timedelta = timedelta(seconds=60)
    """How long a sweeper holds a message while handling it: far longer than a handler takes."""
    idle_poll: timedelta = timedelta(seconds=1)
    """How often a sweeper looks for due messages when it found none."""

    def pause(self, tries: int) -> timedelta:
        """The pause after the ``tries``-th try."""
        doublings = min(max(tries - 1, 0), 30)  # capped: 2**30 pauses are beyond any max_pause
        return min(self.first_pause * (1 << doublings), self.max_pause)


class ParkedSweeper:
    """Retries a consumer group's parked messages (see the module's docstring)."""

    def __init__(
        self,
        lot: ParkingLot,
        *,
        handler_for: Callable[[str], Handler],
        dead_letters: DeadLetters,
        max_attempts: int,
        patience: Patience,
    ) -> None:
        self._lot = lot
        self._handler_for = handler_for
        self._dead_letters = dead_letters
        self._max_attempts = max_attempts
        self._patience = patience

    async def run(self) -> None:
        """Loop until cancelled; an error (database or broker gone) ends the loop, for the
        worker's supervisor to restart it. An unfinished claim simply runs out."""
        await self._lot.prepare()
        while True:
            if not await self.sweep_once():
                await asyncio.sleep(self._patience.idle_poll.total_seconds())

    async def sweep_once(self) -> bool:
        """Try the parked message due first; False when none is due."""
        parked = await self._lot.claim(at=datetime.now(UTC), hold=self._patience.claim)
        if parked is None:
            return False
        if parked.failures >= self._max_attempts:  # its tries kept stopping the sweeper's process
            error = AttemptsExhausted(
                f"tried {parked.tries} times; {parked.failures} failed or stopped without an outcome"
            )
            await self._give_up(parked, error, tries=parked.tries)
            return True
        message = parked.message
        try:
            with handling(message):
                await self._handler_for(message.topic)(message)
        except PoisonMessage as error:
            await self._give_up(parked, error, tries=parked.tries + 1)
        except Exception as error:
            await self._after_failure(parked, error)
        else:
            await self._lot.remove(parked)
            MESSAGES_HANDLED.labels(topic=message.topic, outcome="handled").inc()
            log.info("message.unparked", **place_of(message), tries=parked.tries + 1)
        return True

    async def _after_failure(self, parked: Parked, error: Exception) -> None:
        """Park the message again after a longer pause, or give up on it."""
        now, failed = datetime.now(UTC), not isinstance(error, NotYet)
        deadline = parked.parked_at + self._patience.limit
        if now >= deadline or parked.failures + failed >= self._max_attempts:
            await self._give_up(parked, error, tries=parked.tries + 1)
            return
        due_at = min(now + self._patience.pause(parked.tries + 1), deadline)
        await self._lot.repark(parked, due_at=due_at, error=repr(error), failed=failed)
        MESSAGES_HANDLED.labels(topic=parked.message.topic, outcome="parked").inc()
        log.info("message.reparked", **place_of(parked.message), due_at=due_at.isoformat(), error=repr(error))

    async def _give_up(self, parked: Parked, error: Exception, *, tries: int) -> None:
        await self._dead_letters.send(parked.message, error, attempts=tries)
        await self._lot.remove(parked)


def place_of(message: InboundMessage) -> dict[str, object]:
    """A record's place, as log fields."""
    return {"topic": message.topic, "partition": message.partition, "offset": message.offset}


@contextmanager
def handling(message: InboundMessage) -> Iterator[None]:
    """Around one handler call: its span (:func:`in_its_trace`) and its duration, whatever the
    outcome."""
    started = time.perf_counter()
    try:
        with in_its_trace(message):
            yield
    finally:
        MESSAGE_HANDLING_SECONDS.labels(topic=message.topic).observe(time.perf_counter() - started)


@contextmanager
def in_its_trace(message: InboundMessage) -> Iterator[None]:
    """Around the work on one message: its span, a child of the span that wrote the message, so
    what the work writes (its outbox messages) continues a case's journey as one trace. A batch
    handler opens one around each message it applies."""
    with consuming(
        message.topic, message.headers, key=message.key, partition=message.partition, offset=message.offset
    ):
        yield
