"""Benchmark: opening consultas through the running gateway, end to end.

A 201 is answered only once the workflow has stored the case, so its latency covers the whole
path: HTTP → intake (catalog, number allocation) → Kafka (acks=all) → workflow (transaction with
outbox and inbox) → MongoDB → intake's read. Prints JSON. Loopback only; bounded in count.

    uv run python bench/open_cases.py [--sequential 200] [--concurrent 1000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from bench.clients import clients_of, each_in_turn

from casia_intake.auth import AuthorizationClaim, Claims, Role, mint_dev_token
from casia_local.auth import dev_secret
from casia_local.bench import summarise
from casia_local.settings import Settings

BODY = {
    "case_type": "consulta",
    "subject": "cotizacion",
    "category": "recargos",
    "affects_current_period": True,
    "title": "Recargo aplicado",
    "description": "Consulta sobre un recargo aplicado en la liquidación.",
    "additional_data": {"period": "2026-01", "ccc": "28123456742"},
}


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
        platform.processor(),
    )
    memory_kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(memory_kib / 2**20, 1),
        "python": platform.python_version(),
    }


def summary(latencies: list[float], statuses: list[int], wall: float) -> dict[str, Any]:
    if not latencies:
        return {"requests": 0}
    return {
        "requests": len(latencies),
        "wall_seconds": round(wall, 3),
        "throughput_per_second": round(len(latencies) / wall, 1),
        **summarise(latencies),
        "status_counts": {str(s): statuses.count(s) for s in sorted(set(statuses))},
    }


async def open_many(
    clients: Sequence[httpx.AsyncClient], path: str, headers: dict[str, str], *, count: int
) -> dict[str, Any]:
    """Open ``count`` consultas at ``path``, as many at once as there are ``clients``."""
    latencies: list[float] = []
    statuses: list[int] = []

    async def one(client: httpx.AsyncClient, _: int) -> None:
        began = time.perf_counter()
        response = await client.post(path, json=BODY, headers=headers)
        latencies.append(time.perf_counter() - began)
        statuses.append(response.status_code)

    began = time.perf_counter()
    await each_in_turn(clients, range(count), one)
    return summary(latencies, statuses, time.perf_counter() - began)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", default=os.environ.get("CASIA_GATEWAY_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--sequential", type=int, default=200)
    parser.add_argument("--concurrent", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    authorization = AuthorizationClaim(
        number=str(1_000_000 + secrets.randbelow(9_000_000)), holder_nif="B12345674", business_name="Bench SL"
    )
    claims = Claims(sub="12345678Z", name="Bench", roles=(Role.AUTORIZADO,), authorizations=(authorization,))
    token = mint_dev_token(dev_secret(Settings.from_env()), claims, now=int(time.time()), ttl_seconds=3600)
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/v1/authorizations/{authorization.number}/cases"
    async with clients_of(args.gateway, args.concurrency) as clients:
        await open_many(clients[:4], path, headers, count=20)  # warm-up, not reported
        sequential = await open_many(clients[:1], path, headers, count=args.sequential)
        concurrent = await open_many(clients, path, headers, count=args.concurrent)
    print(
        json.dumps(
            {
                "benchmark": "open_consulta_end_to_end",
                "machine": machine(),
                "sequential": sequential,
                f"concurrent_{args.concurrency}": concurrent,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
