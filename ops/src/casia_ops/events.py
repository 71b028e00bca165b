"""``casia-ops events``: read a topic of CloudEvents to find a place in it, and move a subscriber
there (:mod:`casia_ops.subscribers`).

    casia-ops events show [--from-time ISO | --from-offset N] [--limit K] [--topic T]
    casia-ops events rewind <group> (--to-time ISO | --to-offset N | --to-earliest) [--topic T] [--dry-run]

The topic is the public one, ``casia.cases.events.v1``, unless ``--topic`` names another.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from casia_contracts.topics import CASE_EVENTS
from casia_ops import subscribers
from casia_ops.groups import Refused
from casia_runtime.settings import RuntimeSettings

READ_TIMEOUT_MS = 1000
SHOWN_BY_DEFAULT = 100


@dataclass(frozen=True)
class Record:
    """One record of a topic as an operator looks for a place: where it is, when Kafka stamped
    it (when the relay published it), its key, and its CloudEvent's ``id``, ``type`` and
    ``subject`` (``None`` when the value is not a CloudEvent)."""

    partition: int
    offset: int
    timestamp: str
    key: str | None
    id: str | None
    type: str | None
    subject: str | None


async def records(bootstrap: str, topic: str, *, since: subscribers.Place, limit: int) -> list[Record]:
    """The first ``limit`` records of ``topic`` by timestamp, starting on every partition at
    ``since`` (placed as :func:`casia_ops.subscribers.plan` places a group). Reads at most
    ``limit`` records of each partition; joins no group, commits nothing."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        partitions = await subscribers.partitions_of(admin, topic)
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        stops: dict[TopicPartition, int] = {}
        for start in await subscribers.plan(consumer, partitions, to=since):
            tp = TopicPartition(topic, start.partition)
            consumer.seek(tp, start.offset)
            stops[tp] = min(start.end, start.offset + limit)
        found: list[Record] = []
        while [tp for tp in partitions if await consumer.position(tp) < stops[tp]]:
            batches = await consumer.getmany(timeout_ms=READ_TIMEOUT_MS)
            for tp, batch in batches.items():
                found += [_record(r) for r in batch if r.offset < stops[tp]]
        return sorted(found, key=lambda r: (r.timestamp, r.partition, r.offset))[:limit]
    finally:
        await consumer.stop()


def _record(record: Any) -> Record:
    try:
        event = json.loads(record.value)
    except (TypeError, ValueError):
        event = None
    attributes = event if isinstance(event, dict) else {}
    return Record(
        partition=record.partition,
        offset=record.offset,
        timestamp=datetime.fromtimestamp(record.timestamp / 1000, UTC).isoformat(timespec="milliseconds"),
        key=record.key.decode(errors="replace") if record.key is not None else None,
        id=attributes.get("id"),
        type=attributes.get("type"),
        subject=attributes.get("subject"),
    )


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``events`` area of ``casia-ops``."""
    area = commands.add_parser("events", help="read a topic of CloudEvents; move a subscriber in it")
    actions = area.add_subparsers(dest="action", required=True)
    show = actions.add_parser("show", help="list records (JSON lines) to find a place")
    since = show.add_mutually_exclusive_group()
    since.add_argument("--from-time", type=instant, metavar="ISO8601", help="with its UTC offset")
    since.add_argument("--from-offset", type=int, metavar="N", help="on every partition")
    show.add_argument("--limit", type=int, default=SHOWN_BY_DEFAULT, metavar="K")
    show.add_argument("--topic", default=CASE_EVENTS)
    show.set_defaults(command=show_records)
    rewind = actions.add_parser("rewind", help="set a stopped group's offsets on every partition")
    rewind.add_argument("group", help="the subscriber's consumer group")
    to = rewind.add_mutually_exclusive_group(required=True)
    to.add_argument("--to-time", type=instant, metavar="ISO8601", help="with its UTC offset")
    to.add_argument("--to-offset", type=int, metavar="N", help="on every partition")
    to.add_argument("--to-earliest", action="store_const", const=0, dest="to_offset")
    rewind.add_argument("--topic", default=CASE_EVENTS)
    rewind.add_argument("--dry-run", action="store_true", help="print the moves, commit nothing")
    rewind.set_defaults(command=rewind_group)


def instant(text: str) -> datetime:
    """An ISO 8601 time with its offset: a bare local time would be read in the wrong zone."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text}") from error
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(f"say the UTC offset, e.g. {text}Z or {text}+01:00")
    return parsed


def show_records(args: argparse.Namespace, settings: RuntimeSettings) -> int:
    since = args.from_time if args.from_time is not None else (args.from_offset or 0)
    try:
        found = asyncio.run(records(settings.kafka_bootstrap, args.topic, since=since, limit=args.limit))
    except Refused as refusal:
        print(f"casia-ops: {refusal}", file=sys.stderr)
        return 2
    for record in found:
        print(json.dumps(asdict(record), ensure_ascii=False))
    return 0


def rewind_group(args: argparse.Namespace, settings: RuntimeSettings) -> int:
    to = args.to_time if args.to_time is not None else args.to_offset
    try:
        moves = asyncio.run(
            subscribers.move(
                settings.kafka_bootstrap, group=args.group, topic=args.topic, to=to, dry_run=args.dry_run
            )
        )
    except Refused as refusal:
        print(f"casia-ops: {refusal}", file=sys.stderr)
        return 2
    shown = {
        "group": args.group,
        "topic": args.topic,
        "committed": not args.dry_run,
        "rereads": sum(m.rereads for m in moves),
        "skips": sum(m.skips for m in moves),
        "partitions": [m.shown() for m in moves],
    }
    print(json.dumps(shown))
    return 0
