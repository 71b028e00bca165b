"""How a poll's records are tried (casia_runtime.batches), with the guard's counts and the
consumer's offsets kept in memory: the guard's own policy (dead letters, parking, pauses) is
tested with the real servers elsewhere; here, what is tried, counted, committed and rewound."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from casia_runtime.batches import Handling, consume_batch
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

    await consume_batch(guard, batch, Handling(nothing), progress=consumer)

    assert guard.counts == 2
    assert [(p, o) for p, o, _ in guard.tried if p == 0] == [(0, 10), (0, 11), (0, 12)]  # in order
    assert {attempts for *_, attempts in guard.tried} == {1}
    assert consumer.committed == {} and consumer.rewound == {}  # the batch's acknowledgement commits


async def test_a_failing_record_rewinds_its_partition_to_it_and_the_others_go_on() -> None:
    guard, consumer = Guard(failing={(0, 11)}), Consumer()

    batch = [record(0, 10), record(0, 11), record(0, 12), record(1, 5)]
    await consume_batch(guard, batch, Handling(nothing), progress=consumer)

    assert (0, 12, 1) not in guard.tried  # nothing behind it is tried before it
    assert (1, 5, 1) in guard.tried
    assert consumer.rewound == {0: 11}


async def test_a_run_tried_before_goes_record_by_record_counting_and_committing_each() -> None:
    """The process died in this run: its first record was counted, never committed."""
    guard, consumer = Guard(counted_before={0: (10, 1)}), Consumer()

    batch = [record(0, 10), record(0, 11), record(0, 12)]
    await consume_batch(guard, batch, Handling(nothing), progress=consumer)

    assert guard.tried == [(0, 10, 2), (0, 11, 1), (0, 12, 1)]
    assert guard.counts == 3
    assert consumer.committed == {0: 13}


async def test_a_record_failing_every_time_is_counted_up_at_each_poll() -> None:
    """Each poll brings the rewound record back first: its count grows, so the guard's limit
    (dead letters after max_attempts) is reached as for a record consumed alone."""
    guard, consumer = Guard(failing={(0, 11)}), Consumer()
    await consume_batch(guard, [record(0, 10), record(0, 11)], Handling(nothing), progress=consumer)
    for _ in range(3):
        await consume_batch(
            guard, [record(0, consumer.rewound[0]), record(0, 12)], Handling(nothing), progress=consumer
        )

    assert [attempts for _, offset, attempts in guard.tried if offset == 11] == [1, 1, 2, 3]


@dataclass
class Together:
    """A batch handler that applies every record it is given, or fails on ``failing_on``."""

    failing_on: set[tuple[int, int]] = field(default_factory=set)
    batches: list[list[tuple[int, int]]] = field(default_factory=list)

    async def __call__(self, messages: Sequence[InboundMessage]) -> None:
        places = [(m.partition, m.offset) for m in messages]
        if self.failing_on & set(places):
            raise RuntimeError("one of them cannot be applied with the others")
        self.batches.append(places)


async def test_a_fresh_batch_is_applied_together_each_partition_in_order_and_nothing_one_by_one() -> None:
    guard, consumer, together = Guard(), Consumer(), Together()
    batch = [record(1, 5), record(0, 11), record(0, 10), record(1, 6)]

    await consume_batch(guard, batch, Handling(nothing, together), progress=consumer)

    assert together.batches == [[(0, 10), (0, 11), (1, 5), (1, 6)]]
    assert guard.tried == []
    assert guard.counts == 2  # the first record of each partition, as one by one


async def test_a_batch_that_cannot_be_applied_together_is_tried_record_by_record() -> None:
    guard, consumer, together = Guard(failing={(0, 11)}), Consumer(), Together(failing_on={(0, 11)})

    await consume_batch(
        guard, [record(0, 10), record(0, 11), record(1, 5)], Handling(nothing, together), progress=consumer
    )

    assert together.batches == []
    assert sorted(guard.tried) == [(0, 10, 1), (0, 11, 1), (1, 5, 1)]  # partitions in parallel
    assert consumer.rewound == {0: 11}


async def test_a_batch_in_which_a_process_died_is_not_offered_together_again() -> None:
    """The runs were counted before: the process may have died applying them together."""
    guard, consumer, together = Guard(counted_before={0: (10, 1)}), Consumer(), Together()

    await consume_batch(guard, [record(0, 10), record(1, 5)], Handling(nothing, together), progress=consumer)

    assert together.batches == []
    assert sorted(guard.tried) == [(0, 10, 2), (1, 5, 1)]


async def test_a_single_record_is_tried_on_its_own() -> None:
    guard, consumer, together = Guard(), Consumer(), Together()

    await consume_batch(guard, [record(0, 10)], Handling(nothing, together), progress=consumer)

    assert together.batches == []
    assert guard.tried == [(0, 10, 1)]
