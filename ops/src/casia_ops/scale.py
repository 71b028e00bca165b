"""``casia-ops scale limits``: how many instances of each consuming service can usefully run.

    casia-ops scale limits [--consumers-per-topic C]     one JSON line per service

The rule. An instance runs ``C`` consumers of each topic it subscribes to
(``CASIA_CONSUMERS_PER_TOPIC``, the ``consumers`` of ``subscribe_guarded``), all in the consumer
group named after the service. Kafka gives each partition to one consumer of the group at a time,
so a topic of ``P`` partitions keeps at most ``P`` consumers busy, and ``ceil(P / C)`` instances
already give every partition a consumer of its own. An instance serves all its topics, so the
service's limit is its busiest topic's: ``ceil(max P / C)``. Every instance beyond it only adds
consumers that sit idle. (At the limit some consumers may already sit idle: 6 partitions and 4
consumers per instance give 2 instances, 8 consumers, 6 partitions read at once instead of 4.
deploy/k8s keeps the stricter ``instances × C <= max P``, which leaves no consumer idle; with
``C = 1`` the two agree.)

Partition counts are read from Kafka, so a grown topic counts as it is now.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient

from casia_contracts.topics import CONSUMED_TOPICS
from casia_ops.groups import partition_counts
from casia_runtime.settings import RuntimeSettings


@dataclass(frozen=True)
class Limit:
    """A consuming service: its topics with their partitions (0 for a topic not created yet), the
    consumers each instance runs per topic, and how many instances can usefully run."""

    service: str
    partitions: dict[str, int]
    consumers_per_instance: int

    @property
    def useful_instances(self) -> int:
        busiest = max(self.partitions.values(), default=0)
        return -(-busiest // self.consumers_per_instance)  # ceiling division

    def shown(self) -> dict[str, object]:
        return {
            "service": self.service,
            "topics": self.partitions,
            "consumers_per_instance": self.consumers_per_instance,
            "useful_instances": self.useful_instances,
        }


async def limits(bootstrap: str, *, consumers_per_instance: int) -> list[Limit]:
    """The limit of every consuming service (:data:`casia_contracts.topics.CONSUMED_TOPICS`)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        counts = await partition_counts(admin, sorted({t for ts in CONSUMED_TOPICS.values() for t in ts}))
    finally:
        await admin.close()
    return [
        Limit(service.value, {t: counts.get(t, 0) for t in consumed}, consumers_per_instance)
        for service, consumed in CONSUMED_TOPICS.items()
    ]


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``scale`` area of ``casia-ops``."""
    area = commands.add_parser("scale", help="how far each consuming service can scale out")
    actions = area.add_subparsers(dest="action", required=True)
    show = actions.add_parser("limits", help="the largest useful instance count per service")
    show.add_argument(
        "--consumers-per-topic",
        type=_at_least_one,
        metavar="C",
        help="what the services run with (default: this shell's CASIA_CONSUMERS_PER_TOPIC, else 1)",
    )
    show.set_defaults(command=show_limits)


def _at_least_one(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a count of consumers: {text}")
    return int(text)


def show_limits(args: argparse.Namespace, settings: RuntimeSettings) -> int:
    per_instance = args.consumers_per_topic or settings.consumers_per_topic
    for limit in asyncio.run(limits(settings.kafka_bootstrap, consumers_per_instance=per_instance)):
        print(json.dumps(limit.shown()))
    return 0
