"""The ``backup``, ``restore`` and ``verify`` commands of ``casia-ops`` (docs/operations.md).

    casia-ops backup <dir> [--database NAME] [--bucket NAME ...]
    casia-ops restore <dir> [--database NAME] [--bucket-prefix P] [--drop]
    casia-ops verify <dir> [--database NAME] [--bucket-prefix P]

Each prints one JSON object. Exit status: 0 done (verify: everything matches), 1 verify found
differences, 2 refused with nothing changed (an existing or unfinished backup directory, a
target that is not empty, a damaged backup).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Final

from pymongo import MongoClient

from casia_ops.archive import BackupSettings, Manifest, Refused
from casia_ops.backup import Source, take_backup
from casia_ops.restore import Target, restore_backup
from casia_ops.verify import verify_backup
from casia_runtime.s3 import make_s3_client

COMMANDS: Final = ("backup", "restore", "verify")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    taking = commands.add_parser("backup", help="the database (one snapshot), then the buckets, to a new dir")
    taking.add_argument("directory", type=Path, help="created; written as <dir>.partial until complete")
    taking.add_argument("--database", help="another database than CASIA_MONGO_DB")
    taking.add_argument(
        "--bucket",
        action="append",
        dest="buckets",
        metavar="NAME",
        help="back up this bucket (repeat it); default: the services' buckets (CASIA_*_BUCKET)",
    )
    restoring = commands.add_parser("restore", help="a backup into an empty database and empty buckets")
    verifying = commands.add_parser("verify", help="compare a database and buckets with a backup's manifest")
    for command in (restoring, verifying):
        command.add_argument("directory", type=Path, help="a complete backup")
        command.add_argument("--database", help="another database than the one backed up (a rehearsal)")
        command.add_argument(
            "--bucket-prefix", default="", metavar="P", help="bucket B becomes P + B (a rehearsal)"
        )
    restoring.add_argument(
        "--drop", action="store_true", help="drop the database and empty the buckets first if not empty"
    )
    for command in (taking, restoring, verifying):
        command.set_defaults(command=lambda args, _: run(args))  # its own settings: BackupSettings


def run(args: argparse.Namespace) -> int:
    """Run one of :data:`COMMANDS` against ``CASIA_MONGO_URI`` and ``CASIA_S3_*``."""
    settings = BackupSettings()
    mongo: MongoClient[dict[str, Any]] = MongoClient(
        settings.mongo_uri,
        w="majority",
        serverSelectionTimeoutMS=int(settings.mongo_timeout_seconds * 1000),
        appname="casia-ops",
    )
    s3 = make_s3_client(settings)
    try:
        if args.area == "backup":
            source = Source(args.database or settings.mongo_db, tuple(args.buckets or settings.buckets))
            manifest = take_backup(args.directory, mongo=mongo, s3=s3, source=source)
            print(json.dumps(_summary(args.directory, manifest)))
            return 0
        target = Target(database=args.database, bucket_prefix=args.bucket_prefix)
        if args.area == "restore":
            restored = restore_backup(args.directory, mongo=mongo, s3=s3, target=target, drop=args.drop)
            print(json.dumps(restored))
            return 0
        report = verify_backup(args.directory, mongo=mongo, s3=s3, target=target)
        print(json.dumps(report, indent=1))
        return 0 if report["ok"] else 1
    except Refused as refusal:
        print(f"casia-ops: {refusal}", file=sys.stderr)
        return 2
    finally:
        mongo.close()


def _summary(directory: Path, manifest: Manifest) -> dict[str, Any]:
    """What a backup holds, in one line (the manifest itself lists every document and object)."""
    return {
        "backup": str(directory),
        "database": manifest.database,
        "snapshot_at": manifest.snapshot_at.isoformat() if manifest.snapshot_at else None,
        "collections": len(manifest.collections),
        "documents": sum(stored.documents for stored in manifest.collections),
        "objects": {bucket: len(objects) for bucket, objects in manifest.buckets.items()},
        "object_bytes": sum(o.size for objects in manifest.buckets.values() for o in objects),
        "seconds": round((manifest.finished_at - manifest.started_at).total_seconds(), 1),
        "tool": manifest.tool,
    }
