"""Consuming a poll's records together: the partitions of a batch in parallel, each partition's
records in order, one attempt mark per partition and one offset commit for the whole batch.

The per-record policy of :class:`~casia_runtime.consumer.GuardedConsumer` stays the rule; a batch
only saves round trips while nothing goes wrong:

- The first record of each partition's run is counted (one MongoDB write per partition). A first
  count means no earlier try of this run died: its records are tried in turn, each as a record
  tried once (handled, dead-lettered if unreadable, parked if too early).
- A run whose first record had been counted before (a process died in it) goes record by
  record: each counted before it is tried and its offset committed once it is settled. A record
  that kills its process is thus counted at every try and dead-lettered after ``max_attempts``,
  as if consumed alone, and the records before it are not tried again.
- A record that fails (to be tried again) ends its partition's run: the partition is rewound to
  it, so the next poll brings it back first, counted. Nothing waits in place, so the consumer
  keeps polling (Kafka would drop a consumer that stops polling for minutes).
- Once every run is done the subscriber acknowledges the batch: one commit of every partition's
  position (a rewound partition's at its failed record).

A service that can apply many messages in one unit of work (one MongoDB transaction for all of
them) gives a :data:`BatchHandler`. When every run of the batch is fresh (each first record
counted once) the whole batch is handed to it first, in each partition's order; if it raises,
nothing of it was applied and the batch is tried record by record as above, where each record
meets its own fate (handled, parked, dead-lettered, retried). A process that dies while applying
a batch together finds its runs counted twice at the next poll, so they go record by record.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Protocol

from casia_runtime.logging import get_logger
from casia_runtime.messages import InboundMessage
from casia_runtime.sweeper import Handler
from casia_telemetry.metrics import MESSAGE_HANDLING_SECONDS, MESSAGES_HANDLED

log = get_logger(__name__)

BatchHandler = Callable[[Sequence[InboundMessage]], Awaitable[None]]
"""Applies messages in one unit of work, each partition's in order: all of them, or (raising)
none."""


class Progress(Protocol):
    """Where a partition stands, as the consumer keeps it."""

    async def commit(self, done: InboundMessage) -> None:
        """Commit the offset past ``done``: its partition's records up to it are settled."""

    def rewind(self, failed: InboundMessage) -> None:
        """Fetch ``failed``'s partition again from ``failed``."""


class Guard(Protocol):
    async def count(self, message: InboundMessage) -> int: ...

    async def attempt(
        self, message: InboundMessage, handler: Handler, *, attempts: int
    ) -> Exception | None: ...


@dataclass(frozen=True, slots=True)
class Handling:
    """How a topic's records are applied: one at a time by ``each``; if ``together`` is given, a
    batch of them in one unit of work first."""

    each: Handler
    together: BatchHandler | None = None


async def consume_batch(
    guard: Guard, messages: Sequence[InboundMessage], handling: Handling, *, progress: Progress
) -> None:
    """Returns once each record is settled (handled, parked or dead-lettered) or its partition
    rewound to a record to try again; only a cancellation, at shutdown, ends it sooner (the
    batch is then delivered again from each partition's last commit). A ``together`` handler is
    offered the whole batch first (see the module's docstring)."""
    together = handling.together
    ordered = sorted(messages, key=_place)
    runs = [list(run) for _, run in groupby(ordered, key=_partition)]
    tries = await asyncio.gather(*(_counted(guard, run[0]) for run in runs))
    fresh = set(tries) == {1}
    if together is not None and len(ordered) > 1 and fresh and await _applied_together(together, ordered):
        return
    await asyncio.gather(
        *(
            _consume_run(guard, run, handling.each, progress, tries=t)
            for run, t in zip(runs, tries, strict=True)
        )
    )


async def _applied_together(together: BatchHandler, messages: list[InboundMessage]) -> bool:
    """Whether ``together`` applied every message; False (nothing applied) if it raised."""
    started = time.perf_counter()
    try:
        await together(messages)
    except Exception as error:
        log.info("batch.one_by_one", records=len(messages), error=repr(error))
        return False
    share = (time.perf_counter() - started) / len(messages)
    for message in messages:  # each message is timed at its share of the batch
        MESSAGE_HANDLING_SECONDS.labels(topic=message.topic).observe(share)
        MESSAGES_HANDLED.labels(topic=message.topic, outcome="handled").inc()
    return True


async def _consume_run(
    guard: Guard, run: list[InboundMessage], handler: Handler, progress: Progress, *, tries: int
) -> None:
    """One partition's records of the batch, in order; the first already counted (``tries``)."""
    one_by_one = tries > 1
    for position, message in enumerate(run):
        attempts = tries if position == 0 else await _counted(guard, message) if one_by_one else 1
        if await guard.attempt(message, handler, attempts=attempts) is not None:
            progress.rewind(message)
            return
        if one_by_one:
            await progress.commit(message)


async def _counted(guard: Guard, message: InboundMessage) -> int:
    """One more try of ``message`` counted, however long that takes (the guard pauses after a
    failure): nothing is tried uncounted."""
    while True:
        try:
            return await guard.count(message)
        except Exception:  # noqa: S112 - MongoDB unreachable: the guard logged it and paused
            continue


def _partition(message: InboundMessage) -> tuple[str, int]:
    return message.topic, message.partition


def _place(message: InboundMessage) -> tuple[str, int, int]:
    return message.topic, message.partition, message.offset
