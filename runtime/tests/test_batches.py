"""How a poll's records are tried (casia_runtime.batches), with the guard's counts and the
consumer's offsets kept in memory: the guard's own policy (dead letters, parking, pauses) is
tested with the real servers elsewhere; here, what is tried, counted, committed and rewound."""

from __future__ import annotations

from dataclasses import dataclass, field

from casia_runtime.batches import consume_batch
from casia_runtime.messages import InboundMessage
from casia_runtime.sweeper import Handler


def record(partition: int, offset: int) -> InboundMessage:
    return InboundMessage(topic="t", partition=partition, offset=offset, key=f"k{partition}", value=b"{}")


@dataclass
class Guard:
    """Counts as the attempt log does (one record in hand per partition); ``failing`` records
    fail every try."""

    failing: set[tuple[int, int]] = field(default_factory=set)
    counted_before: dict[int, tuple[int, int]] = field(default_factory=dict)
    tried: list[tuple[int, int, int]] = field(default_factory=list)
    counts: int = 0

    async def count(self, message: InboundMessage) -> int:
        self.counts += 1
        offset, attempts = self.counted_before.get(message.partition, (-1, 0))
        attempts = attempts + 1 if offset == message.offset else 1
        self.counted_before[message.partition] = (message.offset, attempts)
        return attempts

    async def attempt(self, message: InboundMessage, handler: Handler, *, attempts: int) -> Exception | None:
        self.tried.append((message.partition, message.offset, attempts))
        if (message.partition, message.offset) in self.failing:
            return RuntimeError("transient")
        await handler(message)
        return None


@dataclass
class Consumer:
    committed: dict[int, int] = field(default_factory=dict)
    rewound: dict[int, int] = field(default_factory=dict)

    async def commit(self, done: InboundMessage) -> None:
        self.committed[done.partition] = done.offset + 1

    def rewind(self, failed: InboundMessage) -> None:
        self.rewound[failed.partition] = failed.offset


async def nothing(message: InboundMessage) -> None:
    return None


async def test_a_batch_that_goes_well_costs_one_count_per_partition_and_no_commit_of_its_own() -> None:
    guard, consumer = Guard(), Consumer()
    batch = [record(0, 10), record(1, 5), record(0, 11), record(1, 6), record(0, 12)]

    await consume_batch(guard, batch, nothing, progress=consumer)

    assert guard.counts == 2
    assert [(p, o) for p, o, _ in guard.tried if p == 0] == [(0, 10), (0, 11), (0, 12)]  # in order
    assert {attempts for *_, attempts in guard.tried} == {1}
    assert consumer.committed == {} and consumer.rewound == {}  # the batch's acknowledgement commits


async def test_a_failing_record_rewinds_its_partition_to_it_and_the_others_go_on() -> None:
    guard, consumer = Guard(failing={(0, 11)}), Consumer()

    await consume_batch(
        guard, [record(0, 10), record(0, 11), record(0, 12), record(1, 5)], nothing, progress=consumer
    )

    assert (0, 12, 1) not in guard.tried  # nothing behind it is tried before it
    assert (1, 5, 1) in guard.tried
    assert consumer.rewound == {0: 11}


async def test_a_run_tried_before_goes_record_by_record_counting_and_committing_each() -> None:
    """The process died in this run: its first record was counted, never committed."""
    guard, consumer = Guard(counted_before={0: (10, 1)}), Consumer()

    await consume_batch(guard, [record(0, 10), record(0, 11), record(0, 12)], nothing, progress=consumer)

    assert guard.tried == [(0, 10, 2), (0, 11, 1), (0, 12, 1)]
    assert guard.counts == 3
    assert consumer.committed == {0: 13}


async def test_a_record_failing_every_time_is_counted_up_at_each_poll() -> None:
    """Each poll brings the rewound record back first: its count grows, so the guard's limit
    (dead letters after max_attempts) is reached as for a record consumed alone."""
    guard, consumer = Guard(failing={(0, 11)}), Consumer()
    await consume_batch(guard, [record(0, 10), record(0, 11)], nothing, progress=consumer)
    for _ in range(3):
        await consume_batch(
            guard, [record(0, consumer.rewound[0]), record(0, 12)], nothing, progress=consumer
        )

    assert [attempts for _, offset, attempts in guard.tried if offset == 11] == [1, 1, 2, 3]
