"""Benchmark: how fast one and then two instances of every consumer service drain a backlog.

Writes ``--commands`` OpenCase commands straight to Kafka (as intake sends them) and times until
the system is quiet (every outbox published, every consumer group caught up: the cases stored,
announced, their notices recorded), first with the stack's one instance of each consumer service,
then with a second instance of each started beside it (stopped afterwards, by PID). Prints JSON.

    uv run python -m bench.scale_out [--commands 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from bench.open_cases import machine
from pymongo import AsyncMongoClient

from casia_contracts.values import AuthorizationRef
from casia_intake.settings import IntakeSettings
from casia_ops.backlog import CONSUMER_GROUPS, until_quiet
from casia_runtime.testing.backlog import produce_open_cases

JOIN_SECONDS = 30.0
"""After every second instance is ready: time for the groups to rebalance onto them."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def second_instances(logs: Path) -> Iterator[None]:
    """A second process of every consumer service, ready; stopped (SIGTERM, by PID) on exit."""
    started: list[subprocess.Popen[bytes]] = []
    try:
        for service in CONSUMER_GROUPS:
            port = free_port()
            with (logs / f"{service}-2.log").open("wb") as log:
                started.append(
                    subprocess.Popen(
                        [str(Path(sys.executable).parent / f"casia-{service}")],
                        env={**os.environ, "CASIA_HTTP_PORT": str(port)},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            deadline = time.monotonic() + 60
            while httpx_status(f"http://127.0.0.1:{port}/readyz") != 200 and time.monotonic() < deadline:
                time.sleep(0.3)
        time.sleep(JOIN_SECONDS)
        yield
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=30)


def httpx_status(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=2.0).status_code
    except httpx.TransportError:
        return None


async def drain(commands: int) -> dict[str, Any]:
    settings = IntakeSettings()
    authorization = AuthorizationRef(
        number=str(1_000_000 + secrets.randbelow(9_000_000)), holder_nif="B12345674", business_name="Carga SL"
    )
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_uri)
    try:
        db = mongo[settings.mongo_db]
        await until_quiet(db, settings.kafka_bootstrap, within=600)
        began = time.perf_counter()
        await produce_open_cases(settings.kafka_bootstrap, authorization, count=commands)
        produced = time.perf_counter() - began
        left = await until_quiet(db, settings.kafka_bootstrap, within=1800, poll=0.5)
        seconds = time.perf_counter() - began
    finally:
        await mongo.close()
    return {
        "commands": commands,
        "seconds_to_produce": round(produced, 1),
        "seconds_until_quiet": round(seconds, 1),
        "commands_per_second": round(commands / seconds, 1),
        "left": {k: v for k, v in left.items() if v},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=5000)
    parser.add_argument("--logs", type=Path, default=Path(".local/logs"))
    args = parser.parse_args()
    one = asyncio.run(drain(args.commands))
    with second_instances(args.logs):
        two = asyncio.run(drain(args.commands))
    print(
        json.dumps(
            {"benchmark": "scale_out", "machine": machine(), "one_instance": one, "two_instances": two},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
