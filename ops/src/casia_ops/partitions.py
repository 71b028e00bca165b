"""``casia-ops partitions``: how many partitions each topic has, what that allows the groups
reading it, and growing a topic.

    casia-ops partitions show                        one JSON line per casia topic
    casia-ops partitions add <topic> --to N [--force]

Partitions bound a group's parallelism: each partition is read by one consumer of the group at a
time, so a group with more consumers than partitions leaves the rest idle.

Growing is refused unless the system is quiet, because a record's partition is its key's hash
(the case number) modulo the partition count: after growing, a case's new messages may go to
another partition than its older ones, and if an older one is still in an outbox or unread, a
consumer can apply the newer first. With every outbox published and every group reading the topic
caught up, nothing of any case is in flight and per-case order holds from then on. Kafka never
shrinks a topic, so growing cannot be undone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewPartitions
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from casia_ops.backlog import CONSUMER_GROUPS, backlog
from casia_ops.groups import Refused, groups_reading, members, partition_counts
from casia_runtime.settings import RuntimeSettings

CASIA_TOPIC_PREFIX = "casia."


@dataclass(frozen=True)
class Growth:
    """A topic grown from ``before`` to ``after`` partitions."""

    topic: str
    before: int
    after: int


async def grow(
    bootstrap: str, *, topic: str, to: int, quiet_in: AsyncDatabase[dict[str, Any]] | None
) -> Growth:
    """Give ``topic`` ``to`` partitions in all.

    Refused (:class:`Refused`, nothing changed) when the topic does not exist, when ``to`` is not
    more than it has, and, unless ``quiet_in`` is ``None`` (forced), while the backlog is not all
    zero: the outboxes of ``quiet_in`` and the lag of CASIA's groups and of every group that has
    committed offsets on the topic.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        before = (await partition_counts(admin, [topic])).get(topic)
        if before is None:
            raise Refused(f"there is no topic {topic}")
        if to <= before:
            raise Refused(f"{topic} has {before} partitions; Kafka can only add, so --to must exceed it")
        if quiet_in is not None:
            readers = (await groups_reading(admin, [topic]))[topic]
            left = await backlog(quiet_in, bootstrap, groups=sorted(set(CONSUMER_GROUPS) | readers))
            if busy := {name: count for name, count in left.items() if count}:
                raise Refused(
                    f"the system is not quiet, {json.dumps(busy)}: a case's messages in flight would "
                    "lose their order; wait for it (casia-ops backlog --wait), or say --force"
                )
        await admin.create_partitions({topic: NewPartitions(total_count=to)})
        return Growth(topic, before, to)
    finally:
        await admin.close()


async def layout(bootstrap: str) -> list[dict[str, Any]]:
    """Every casia topic with its partitions and, per group reading it (:func:`groups_reading`),
    its consumers of the topic now and how many could usefully read it (one per partition)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        counts = {
            name: count
            for name, count in (await partition_counts(admin)).items()
            if name.startswith(CASIA_TOPIC_PREFIX)
        }
        readers = await groups_reading(admin, sorted(counts))
        running = {group: await members(admin, group) for group in set[str]().union(*readers.values())}
    finally:
        await admin.close()
    return [
        {
            "topic": name,
            "partitions": count,
            "groups": {
                group: {
                    "consumers_now": sum(name in m.subscription for m in running[group]),
                    "useful_consumers": count,
                }
                for group in sorted(readers[name])
            },
        }
        for name, count in sorted(counts.items())
    ]


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``partitions`` area of ``casia-ops``."""
    area = commands.add_parser("partitions", help="topics' partitions: what they allow; growing one")
    actions = area.add_subparsers(dest="action", required=True)
    actions.add_parser("show", help="every casia topic, its partitions and its groups").set_defaults(
        command=show_layout
    )
    add = actions.add_parser("add", help="grow a topic (only while the system is quiet)")
    add.add_argument("topic")
    add.add_argument("--to", type=int, required=True, metavar="N", help="the partitions in all")
    add.add_argument("--force", action="store_true", help="without waiting for a quiet system")
    add.set_defaults(command=add_partitions)


def show_layout(args: argparse.Namespace, settings: RuntimeSettings) -> int:
    for line in asyncio.run(layout(settings.kafka_bootstrap)):
        print(json.dumps(line))
    return 0


def add_partitions(args: argparse.Namespace, settings: RuntimeSettings) -> int:
    async def add() -> Growth:
        if args.force:
            return await grow(settings.kafka_bootstrap, topic=args.topic, to=args.to, quiet_in=None)
        mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_uri)
        try:
            return await grow(
                settings.kafka_bootstrap, topic=args.topic, to=args.to, quiet_in=mongo[settings.mongo_db]
            )
        finally:
            await mongo.close()

    try:
        growth = asyncio.run(add())
    except Refused as refusal:
        print(f"casia-ops: {refusal}", file=sys.stderr)
        return 2
    print(json.dumps({"topic": growth.topic, "before": growth.before, "partitions": growth.after}))
    return 0
