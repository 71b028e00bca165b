"""Moving a subscriber of a topic (a consumer group) to another place in it: to replay the public
case events from a time or an offset, or to start again from the earliest record.

The move sets the group's committed offset on every partition of the topic, so the group's
consumers start there when they next start. Kafka accepts the commit only while the group has no
member (a running consumer would overwrite it with its own position), so the move is refused
while one runs: the operator stops the subscriber, moves it, and starts it again. Idempotent: the
same move twice commits the same offsets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import CommitFailedError
from aiokafka.structs import TopicPartition

from casia_ops.groups import Refused, members, partition_counts

Place = datetime | int
"""Where to move a group: the first record at or after a time, or an offset (0: the earliest)."""


@dataclass(frozen=True)
class Move:
    """The move of one partition: from the group's committed offset (``None``: it never committed
    there) to ``offset``, within the records the partition holds, ``beginning`` to ``end``."""

    partition: int
    committed: int | None
    offset: int
    beginning: int
    end: int

    @property
    def rereads(self) -> int:
        """Records the group has read once and will read again."""
        if self.committed is None:
            return 0
        return max(0, min(self.committed, self.end) - self.offset)

    @property
    def skips(self) -> int:
        """Records the group has not read yet and never will (a move forward)."""
        if self.committed is None:
            return 0
        return max(0, self.offset - max(self.committed, self.beginning))

    def shown(self) -> dict[str, int | None]:
        return {
            "partition": self.partition,
            "committed": self.committed,
            "offset": self.offset,
            "end": self.end,
            "rereads": self.rereads,
            "skips": self.skips,
        }


async def move(bootstrap: str, *, group: str, topic: str, to: Place, dry_run: bool) -> list[Move]:
    """Commit ``group``'s offset on every partition of ``topic`` at ``to`` (unless ``dry_run``) and
    return the moves, by partition (placed by :func:`plan`).

    Raises :class:`Refused` while the group has members (also when one joins before the commit:
    Kafka rejects it, and nothing moves), or when the topic does not exist.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        running = await members(admin, group)
        if running:
            raise Refused(
                f"consumer group {group} has {len(running)} running consumer(s): stop the subscriber "
                "first (a running group keeps its own offsets), then move it"
            )
        partitions = await partitions_of(admin, topic)
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        moves = await plan(consumer, partitions, to=to, committed=await _committed(consumer, partitions))
        if not dry_run:
            # Assigned, not subscribed: the commit comes from outside the group, without joining
            # it, and Kafka rejects it if a member has joined since the check.
            consumer.assign(partitions)
            try:
                await consumer.commit({TopicPartition(topic, m.partition): m.offset for m in moves})
            except CommitFailedError as error:
                raise Refused(f"a consumer of group {group} started meanwhile: nothing moved") from error
        return moves
    finally:
        await consumer.stop()


async def partitions_of(admin: AIOKafkaAdminClient, topic: str) -> list[TopicPartition]:
    """Every partition of ``topic``; :class:`Refused` when there is no such topic."""
    counts = await partition_counts(admin, [topic])
    if topic not in counts:
        raise Refused(f"there is no topic {topic}")
    return [TopicPartition(topic, p) for p in range(counts[topic])]


async def plan(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    *,
    to: Place,
    committed: dict[TopicPartition, int] | None = None,
) -> list[Move]:
    """Where ``to`` falls on each partition, from ``committed`` (none by default).

    For a time: the first offset whose timestamp is at or after it; a partition with none, its
    end. For an offset: that offset, raised to the partition's beginning and lowered to its end.
    """
    beginnings: dict[TopicPartition, int] = await consumer.beginning_offsets(partitions)
    ends: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
    if isinstance(to, datetime):
        found = await consumer.offsets_for_times({tp: to.timestamp() * 1000 for tp in partitions})
        targets = {tp: ends[tp] if found[tp] is None else found[tp].offset for tp in partitions}
    else:
        targets = {tp: min(max(to, beginnings[tp]), ends[tp]) for tp in partitions}
    before = committed or {}
    return [Move(tp.partition, before.get(tp), targets[tp], beginnings[tp], ends[tp]) for tp in partitions]


async def _committed(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition]
) -> dict[TopicPartition, int]:
    """The offsets the consumer's group has committed, where it has committed one."""
    found: dict[TopicPartition, int] = {}
    for tp in partitions:
        offset: Any = await consumer.committed(tp)
        if offset is not None and offset >= 0:
            found[tp] = offset
    return found
