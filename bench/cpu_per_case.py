"""Benchmark: where the CPU goes when consultas are opened, process by process.

Opens ``--cases`` consultas for one consented authorization (so each is announced, applied and
e-mailed) with ``--concurrency`` clients through the running stack, waits until the system is
quiet (every outbox published, every consumer group caught up), and reports the CPU each piece
of the stack spent per case: its process and every process of its session (the receipts'
render workers, say), from /proc, plus the benchmark client's own. Prints JSON.

    uv run python -m bench.cpu_per_case [--cases 2000] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import time
from pathlib import Path
from typing import Any

import httpx
from bench.clients import clients_of
from bench.open_cases import machine, open_many
from pymongo import AsyncMongoClient

from casia_intake.auth import AuthorizationClaim, Claims, Role, mint_dev_token
from casia_intake.settings import IntakeSettings
from casia_local.auth import dev_secret
from casia_local.settings import Settings
from casia_local.stack import every_piece, supervisor
from casia_ops.backlog import backlog

TICKS = os.sysconf("SC_CLK_TCK")
QUIET_WITHIN_SECONDS = 600.0


def session_cpu_seconds(leader: int) -> float:
    """User and system CPU of every process in ``leader``'s session (casia-local starts each
    piece as a session leader)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[3]) == leader:
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def stack_cpu(settings: Settings) -> dict[str, float]:
    sup = supervisor(settings)
    found = {piece.name: sup.record(piece.name) for piece in every_piece(settings)}
    return {name: session_cpu_seconds(r.pid) for name, r in found.items() if r is not None and r.is_alive()}


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def until_quiet(settings: IntakeSettings) -> float:
    began = time.perf_counter()
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_uri)
    try:
        while time.perf_counter() - began < QUIET_WITHIN_SECONDS:
            if not any((await backlog(mongo[settings.mongo_db], settings.kafka_bootstrap)).values()):
                break
            await asyncio.sleep(0.5)
    finally:
        await mongo.close()
    return time.perf_counter() - began


async def consented_authorization(
    client: httpx.AsyncClient, settings: Settings
) -> tuple[str, dict[str, str]]:
    number = str(1_000_000 + secrets.randbelow(9_000_000))
    authorization = AuthorizationClaim(number=number, holder_nif="B12345674", business_name="Bench SL")
    claims = Claims(sub="12345678Z", name="Bench", roles=(Role.AUTORIZADO,), authorizations=(authorization,))
    token = mint_dev_token(dev_secret(settings), claims, now=int(time.time()), ttl_seconds=3600)
    headers = {"Authorization": f"Bearer {token}"}
    contact = {"email": f"bench-{number}@gestoria-bench.es", "consent": True}
    (
        await client.put(f"/v1/authorizations/{number}/contact", json=contact, headers=headers)
    ).raise_for_status()
    return f"/v1/authorizations/{number}/cases", headers


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", default=os.environ.get("CASIA_GATEWAY_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    settings = Settings.from_env()
    async with clients_of(args.gateway, args.concurrency) as clients:
        path, headers = await consented_authorization(clients[0], settings)
        await open_many(clients, path, headers, count=2 * args.concurrency)  # warm-up, not reported
        await until_quiet(IntakeSettings())
        before, client_before = stack_cpu(settings), client_cpu()
        opened = await open_many(clients, path, headers, count=args.cases)
        draining = await until_quiet(IntakeSettings())
        after, client_after = stack_cpu(settings), client_cpu()
    spent = {name: after[name] - before[name] for name in after if name in before}
    spent["benchmark_client"] = client_after - client_before
    per_case = {name: round(1000 * seconds / args.cases, 2) for name, seconds in spent.items()}
    print(
        json.dumps(
            {
                "benchmark": "cpu_per_case",
                "machine": machine(),
                "cases": args.cases,
                "concurrency": args.concurrency,
                "opened": opened,
                "seconds_until_quiet_after_the_last_answer": round(draining, 1),
                "cpu_ms_per_case": dict(sorted(per_case.items(), key=lambda kv: -kv[1])),
                "cpu_ms_per_case_total": round(sum(per_case.values()), 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
