"""``casia-ops``: what operators do to a running CASIA (documented in docs/operations.md).

    casia-ops dlq show|replay|purge <service> ...   a consumer group's dead-letter topic
    casia-ops backlog [--wait SECONDS]              what is still to do (JSON); exit 1 unless all
                                                    is done (waiting up to SECONDS)
    casia-ops events show|rewind ...                read a topic; move a subscriber's offsets
    casia-ops partitions show|add ...               partitions per topic; grow a topic
    casia-ops scale limits                          how many instances each service can use
    casia-ops backup|restore|verify <dir> ...       MongoDB and MinIO, and the proof of a restore

``<service>`` names the consumer group (``casia.dlq.<service>.v1``); ``--topic`` names another
dead-letter topic. Kafka is ``CASIA_KAFKA_BOOTSTRAP``, MongoDB ``CASIA_MONGO_URI`` and
``CASIA_MONGO_DB``; ``--help`` after a command tells the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient

from casia_contracts.topics import dead_letter_topic
from casia_ops import backup_commands, events, partitions, scale
from casia_ops import dead_letters as dlq
from casia_ops.backlog import until_quiet
from casia_runtime.settings import RuntimeSettings

PAYLOAD_SHOWN = 300


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="casia-ops", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = root.add_subparsers(dest="area", required=True)
    letters = commands.add_parser("dlq", help="a consumer group's dead-letter topic")
    actions = letters.add_subparsers(dest="action", required=True)
    for name, help_text in (
        ("show", "list it"),
        ("replay", "send messages back"),
        ("purge", "delete messages"),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("service", help="the consumer group, e.g. workflow")
        action.add_argument("--topic", help="another dead-letter topic than casia.dlq.<service>.v1")
        if name != "show":
            action.add_argument("--all", action="store_true", help="every message listed now")
            action.add_argument(
                "--at" if name == "replay" else "--below", nargs="*", default=[], metavar="P:O"
            )
        action.set_defaults(command=lambda args, settings: run(args, settings.kafka_bootstrap))
    waiting = commands.add_parser("backlog", help="unpublished outbox entries and consumer lag")
    waiting.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="until all is done")
    waiting.set_defaults(command=lambda args, settings: show_backlog(settings, wait=args.wait))
    for area in (backup_commands, events, partitions, scale):
        area.add_commands(commands)  # each sets args.command
    return root


def show_backlog(settings: RuntimeSettings, *, wait: float) -> int:
    """Print the backlog (once it is all done, or after ``wait`` seconds); 0 when all is done."""

    async def read() -> dict[str, int]:
        mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_uri)
        try:
            return await until_quiet(mongo[settings.mongo_db], settings.kafka_bootstrap, within=wait)
        finally:
            await mongo.close()

    left = asyncio.run(read())
    print(json.dumps(left))
    return 1 if any(left.values()) else 0


def run(args: argparse.Namespace, bootstrap: str) -> int:
    topic = args.topic or dead_letter_topic(args.service)
    found = asyncio.run(dlq.letters(bootstrap, topic))
    if args.action == "show":
        for item in found:
            shown = item.letter.model_dump(mode="json")
            shown["payload"] = shown["payload"][:PAYLOAD_SHOWN]
            print(json.dumps({"at": item.place, **shown}, ensure_ascii=False))
        return 0
    if args.action == "replay":
        chosen = found if args.all else [f for f in found if f.place in set(args.at)]
        missing = set(args.at) - {f.place for f in chosen}
        if missing or not chosen:
            print(f"casia-ops: nothing to replay at {sorted(missing) or 'the given places'}", file=sys.stderr)
            return 2
        print(json.dumps({"replayed": asyncio.run(dlq.replay(bootstrap, chosen))}))
        return 0
    below = (
        dlq.below_all(found) if args.all else {int(p): int(o) for p, o in (b.split(":") for b in args.below)}
    )
    if not below:
        print("casia-ops: nothing to purge (say --all or --below P:O)", file=sys.stderr)
        return 2
    asyncio.run(dlq.purge(bootstrap, topic, below=below))
    print(json.dumps({"purged_below": {str(p): o for p, o in below.items()}}))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command ``argv`` names (every parser sets ``command``: args, settings → status)."""
    args = parser().parse_args(argv)
    return int(args.command(args, RuntimeSettings()))


if __name__ == "__main__":
    sys.exit(main())
