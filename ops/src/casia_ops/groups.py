"""What Kafka says now about topics and consumer groups, as the operator commands read it, and
which groups read a topic.

Reads only: nothing here changes a topic or a group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment, ConsumerProtocolMemberMetadata
from aiokafka.errors import for_code
from aiokafka.structs import TopicPartition

from casia_contracts.topics import CONSUMED_TOPICS

CONSUMER_PROTOCOL: Final = "consumer"


class Refused(Exception):
    """An operator command was not carried out, for the reason given; nothing was changed."""


@dataclass(frozen=True)
class Member:
    """One consumer of a group now: the topics it subscribes to, and the partitions it holds."""

    subscription: tuple[str, ...]
    assignment: tuple[TopicPartition, ...]


async def partition_counts(admin: AIOKafkaAdminClient, names: Sequence[str] | None = None) -> dict[str, int]:
    """Partitions per topic, for ``names`` or for every topic of the cluster (``None``).
    A named topic that does not exist is left out."""
    # Every topic is described, never the named ones alone: a broker that creates topics on
    # demand would create a mistyped name.
    described: list[dict[str, Any]] = await admin.describe_topics(None)
    counts = {d["topic"]: len(d["partitions"]) for d in described if d["error_code"] == 0}
    return counts if names is None else {name: counts[name] for name in names if name in counts}


async def members(admin: AIOKafkaAdminClient, group: str) -> list[Member]:
    """The consumers of ``group`` now: empty when none runs (or the group never existed).
    Raises the broker's error when the group cannot be described."""
    [response] = await admin.describe_consumer_groups([group])
    [described] = response.to_object()["groups"]
    if described["error_code"]:
        raise for_code(described["error_code"])(f"cannot describe consumer group {group}")
    if described["protocol_type"] != CONSUMER_PROTOCOL:
        # Not a consumer group (e.g. Kafka Connect): its members hold no topic partitions.
        return [Member((), ()) for _ in described["members"]]
    return [_member(m["member_metadata"], m["member_assignment"]) for m in described["members"]]


def _member(metadata: bytes, assignment: bytes) -> Member:
    subscribed = ConsumerProtocolMemberMetadata.decode(metadata).subscription
    held = ConsumerProtocolMemberAssignment.decode(assignment).partitions() if assignment else []
    return Member(tuple(subscribed), tuple(held))


async def groups_reading(admin: AIOKafkaAdminClient, names: Sequence[str]) -> dict[str, set[str]]:
    """Per topic of ``names``, the consumer groups that have committed offsets on it (CASIA's own
    and any outside subscriber), plus the CASIA services that subscribe to it."""
    reading: dict[str, set[str]] = {name: set() for name in names}
    for service, consumed in CONSUMED_TOPICS.items():
        for name in set(consumed) & set(names):
            reading[name].add(service.value)
    for group, _protocol in await admin.list_consumer_groups():
        committed: dict[TopicPartition, Any] = await admin.list_consumer_group_offsets(group)
        for name in {tp.topic for tp in committed} & set(names):
            reading[name].add(group)
    return reading
