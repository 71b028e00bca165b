"""The consumer groups of the local stack: which topics each consumer service reads, how many
instances its partitions can keep busy, and when a new process has joined its group.

Each consumer service reads as one consumer group named after it (casia_contracts.topics); each
of its processes adds CASIA_CONSUMERS_PER_TOPIC members per topic it subscribes to.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from casia_contracts import topics
from casia_intake.settings import IntakeSettings
from casia_local.kafka import topic_partitions
from casia_local.report import StackError

CONSUMED: Final[Mapping[str, tuple[str, ...]]] = {str(s): read for s, read in topics.CONSUMED_TOPICS.items()}
"""casia_contracts' map by service name (the local stack names pieces by string)."""

_SETTLED: Final = frozenset({"Stable", "Empty", "Dead"})
_POLL_SECONDS: Final = 0.5


def consumers_per_topic(env: Mapping[str, str]) -> int:
    """How many consumers of each topic a process started with `env` runs."""
    default = IntakeSettings.model_fields["consumers_per_topic"].default
    return int(env.get("CASIA_CONSUMERS_PER_TOPIC", default))


def consumers_per_process(service: str, env: Mapping[str, str]) -> int:
    """How many members one process of `service` started with `env` adds to its group."""
    return len(CONSUMED.get(service, ())) * consumers_per_topic(env)


def partitions_of(service: str, bootstrap: str) -> dict[str, int]:
    """The partition count of each topic `service` consumes, as the broker has them (the
    partition plan for a topic the broker does not have yet)."""
    try:
        existing = asyncio.run(topic_partitions(bootstrap))
    except (KafkaError, OSError) as error:
        raise StackError("kafka", f"cannot read the topics' partitions: {error}", "run `make up`") from error
    return {topic: existing.get(topic, topics.TOPIC_PARTITIONS[topic]) for topic in CONSUMED[service]}


@dataclass(frozen=True)
class Group:
    """One consumer group on one broker."""

    bootstrap: str
    name: str

    async def members(self) -> set[str] | None:
        """Its member ids, or None while it rebalances."""
        return await _members(self.bootstrap, self.name)

    def settled_members(self, *, timeout: float) -> set[str]:
        """Its member ids once no rebalance is in progress (empty for a group with none)."""
        deadline = time.monotonic() + timeout
        while True:
            members = asyncio.run(self.members())
            if members is not None:
                return members
            if time.monotonic() > deadline:
                raise StackError(self.name, f"its consumer group kept rebalancing for {timeout:.0f} s")
            time.sleep(_POLL_SECONDS)

    def await_joined(
        self, *, before: set[str], joining: int, alive: Callable[[], bool], timeout: float
    ) -> set[str]:
        """Waits until the settled group has at least `joining` members that were not in `before`
        (the new process's: a member of a process killed earlier lingers until its session
        expires, and is in `before`); returns them. Raises when `alive()` turns false or on
        timeout."""
        deadline = time.monotonic() + timeout
        while alive():
            members = asyncio.run(self.members())
            joined = (members or set()) - before
            if members is not None and len(joined) >= joining:
                return joined
            if time.monotonic() > deadline:
                raise StackError(self.name, f"the new process did not join its group within {timeout:.0f} s")
            time.sleep(_POLL_SECONDS)
        raise StackError(self.name, "the new process exited before it joined its consumer group")


async def _members(bootstrap: str, group: str) -> set[str] | None:
    """The member ids of `group`, or None while it rebalances."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group])
        [description] = response.to_object()["groups"]
    finally:
        await admin.close()
    if description["state"] not in _SETTLED:
        return None
    return {str(member["member_id"]) for member in description["members"]}
