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
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from itertools import groupby
from typing import Protocol

from casia_runtime.messages import InboundMessage
from casia_runtime.sweeper import Handler


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


async def consume_batch(
    guard: Guard, messages: Sequence[InboundMessage], handler: Handler, *, progress: Progress
) -> None:
    """Returns once each record is settled (handled, parked or dead-lettered) or its partition
    rewound to a record to try again; only a cancellation, at shutdown, ends it sooner (the
    batch is then delivered again from each partition's last commit)."""
    runs = [list(run) for _, run in groupby(sorted(messages, key=_place), key=_partition)]
    await asyncio.gather(*(_consume_run(guard, run, handler, progress) for run in runs))


async def _consume_run(guard: Guard, run: list[InboundMessage], handler: Handler, progress: Progress) -> None:
    """One partition's records of the batch, in order."""
    tries = await _counted(guard, run[0])
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
