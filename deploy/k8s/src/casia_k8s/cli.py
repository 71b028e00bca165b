"""`casia-k8s`: render CASIA's Kubernetes manifests and validate them offline."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from casia_k8s.toolkit import OVERLAYS, Toolkit, documents
from casia_local.report import StackError
from casia_local.settings import Settings


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="casia-k8s", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="build kustomize and kubeconform, and the schemas (cached)")
    render = commands.add_parser("render", help="print the objects of one overlay (kustomize build)")
    render.add_argument("overlay", choices=OVERLAYS)
    validate = commands.add_parser("validate", help="render and validate with kubeconform, strict")
    validate.add_argument("overlays", nargs="*", metavar="overlay", help=f"default: {' '.join(OVERLAYS)}")
    return root


def run(args: argparse.Namespace, toolkit: Toolkit) -> int:
    if args.command == "install":
        print(f"kustomize={toolkit.kustomize} kubeconform={toolkit.kubeconform} schemas={toolkit.schemas}")
    elif args.command == "render":
        sys.stdout.write(toolkit.render(args.overlay))
    elif args.command == "validate":
        failed = 0
        for overlay in args.overlays or OVERLAYS:
            rendered = toolkit.render(overlay)
            outcome = toolkit.validate(rendered)
            print(f"{overlay}: {len(documents(rendered))} objects, {outcome.valid} valid")
            for problem in outcome.problems:
                print(f"  {problem}")
            failed += not outcome.ok
        return 1 if failed else 0
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args, Toolkit.ensure(Settings.from_env()))
    except StackError as error:
        print(error.render(), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
