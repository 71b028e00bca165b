"""`casia-local`: run the CASIA infrastructure and services on one machine."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from casia_local import stack
from casia_local.engine import engine
from casia_local.images import build_all
from casia_local.infra_images import build_infra
from casia_local.report import StackError
from casia_local.rotation import SECRETS, rotate
from casia_local.scaling import scale
from casia_local.settings import SERVICE_NAMES, Settings, SettingsError
from casia_local.upgrade import upgrade


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="casia-local", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="install every missing piece (cached under $CASIA_CACHE)")
    up = commands.add_parser("up", help="install what is missing, start what is not running, initialise")
    up.add_argument("--infra-only", action="store_true", help="Kafka, MongoDB, MinIO and SMTP only")
    up.add_argument("--record", type=Path, metavar="FILE", help="write which processes this call started")
    down = commands.add_parser("down", help="stop the processes casia-local started, by PID")
    down.add_argument(
        "--from",
        dest="recorded",
        type=Path,
        metavar="FILE",
        help="stop only the processes listed by `up --record FILE`",
    )
    restart = commands.add_parser("restart", help="stop the named pieces by PID, then `up` (new code, say)")
    restart.add_argument("pieces", nargs="+", help="kafka, mongo, minio, smtp or a service name")
    commands.add_parser("status", help="one line per piece and extra instance; exit 1 if one has crashed")
    upgrading = commands.add_parser("upgrade", help="replace a service's processes by new ones, no downtime")
    upgrading.add_argument("service", choices=SERVICE_NAMES)
    scaling = commands.add_parser("scale", help="run N instances of a service (newest stopped first)")
    scaling.add_argument("service", choices=SERVICE_NAMES)
    scaling.add_argument("count", type=int, metavar="N")
    rotating = commands.add_parser("rotate-secret", help="a new dev token secret, the old one still accepted")
    rotating.add_argument("secret", choices=SECRETS)
    rotating.add_argument("--forget-previous", action="store_true", help="stop accepting the previous one")
    logs = commands.add_parser("logs", help="the last lines of the logs")
    logs.add_argument("piece", nargs="?", help="kafka, mongo, minio, smtp or a service name")
    logs.add_argument("-n", "--lines", type=int, default=40)
    images = commands.add_parser("images", help="build casia/<service>:<version> for every service")
    images.add_argument("services", nargs="*", help="only these (default: all six)")
    images.add_argument("--no-infra", action="store_true", help="not Kafka, MongoDB, MinIO, Mailpit")
    commands.add_parser("clean", help="stop everything, then delete the local data and logs")
    return root


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "install":
        stack.install(stack.infrastructure(settings))
    elif args.command == "up":
        stack.up(settings, infra_only=args.infra_only, record=args.record)
    elif args.command == "down":
        stack.down(settings, recorded=args.recorded)
    elif args.command == "restart":
        stack.restart(settings, pieces=args.pieces)
    elif args.command == "status":
        return stack.status(settings)
    elif args.command in OPERATIONS:
        operate(args, settings)
    elif args.command == "logs":
        stack.logs(settings, piece=args.piece, lines=args.lines)
    elif args.command == "images":
        make_images(settings, args.services or SERVICE_NAMES, infra=not args.no_infra)
    elif args.command == "clean":
        stack.clean(settings)
    return 0


OPERATIONS = ("upgrade", "scale", "rotate-secret")


def operate(args: argparse.Namespace, settings: Settings) -> None:
    """The operations on a running stack: upgrade, scale, rotate a secret."""
    if args.command == "upgrade":
        upgrade(settings, args.service)
    elif args.command == "scale":
        scale(settings, args.service, args.count)
    else:
        rotate(settings, args.secret, forget_previous=args.forget_previous)


def make_images(settings: Settings, services: Sequence[str], *, infra: bool) -> None:
    """An engine (ours only for this call when none runs), the services' images, then (with
    `infra`) those of deploy/compose's infrastructure."""
    with engine(settings.cache) as found:
        build_all(found, settings.repo, services)
        if infra:
            build_infra(found, settings)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args, Settings.from_env())
    except SettingsError as error:
        print(f"ERROR settings: {error}", file=sys.stderr)
        return 2
    except StackError as error:
        print(error.render(), file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`casia-local status | head`): not an error of ours. Point stdout
        # at /dev/null so the interpreter's final flush does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
