"""`python -m casia_local.bench`: health-probe latency and memory of the running stack, as JSON.

Each probe is one sequential round trip over an open connection where the client allows it (Kafka
metadata, MongoDB ping) or one HTTP GET (MinIO, Mailpit, services). Pieces that do not answer are
listed as unavailable rather than timed. RSS is read from /proc for the processes casia-local started.
"""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient
from pymongo import MongoClient

from casia_local.piece import http_status, tcp_open
from casia_local.process import State
from casia_local.settings import Settings
from casia_local.stack import every_piece, supervisor

SAMPLES = 50


def summarise(seconds: list[float]) -> dict[str, float | int]:
    """Latency figures of a non-empty sample, in milliseconds (nearest-rank percentiles)."""
    ordered = sorted(seconds)

    def percentile(fraction: float) -> float:
        rank = max(1, math.ceil(fraction * len(ordered)))
        return round(ordered[rank - 1] * 1000, 3)

    return {
        "samples": len(ordered),
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def time_calls(call: Callable[[], object], samples: int = SAMPLES) -> list[float]:
    call()  # warm-up: connection set-up is not what is measured
    timings = []
    for _ in range(samples):
        began = time.perf_counter()
        call()
        timings.append(time.perf_counter() - began)
    return timings


async def time_async_calls(call: Callable[[], Awaitable[object]], samples: int = SAMPLES) -> list[float]:
    await call()
    timings = []
    for _ in range(samples):
        began = time.perf_counter()
        await call()
        timings.append(time.perf_counter() - began)
    return timings


async def kafka_metadata(settings: Settings) -> list[float]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        return await time_async_calls(admin.list_topics)
    finally:
        await admin.close()


def mongo_ping(settings: Settings) -> list[float]:
    client: MongoClient[dict[str, object]] = MongoClient(settings.mongo.uri, serverSelectionTimeoutMS=3000)
    with client:
        return time_calls(lambda: client.admin.command("ping"))


def http_probes(settings: Settings) -> dict[str, str]:
    """Probe name -> URL of every HTTP health endpoint of the stack."""
    probes = {
        "minio.health_live": f"http://{settings.s3.endpoint}/minio/health/live",
        "mailpit.readyz": f"{settings.smtp.ui_url}/readyz",
    }
    for name, port in settings.service_ports.items():
        probes[f"{name}.healthz"] = f"http://127.0.0.1:{port}/healthz"
    return probes


def measure(settings: Settings) -> dict[str, object]:
    results: dict[str, object] = {}
    if tcp_open(settings.kafka.endpoint):
        results["kafka.metadata"] = summarise(asyncio.run(kafka_metadata(settings)))
    if tcp_open(settings.mongo.endpoint):
        results["mongo.ping"] = summarise(mongo_ping(settings))
    for name, url in http_probes(settings).items():
        if http_status(url) == 200:
            results[name] = summarise(time_calls(partial(http_status, url)))
    return results


def rss_mib(settings: Settings) -> dict[str, float]:
    """Resident memory of each running process casia-local started, in MiB."""
    sup = supervisor(settings)
    memory = {}
    for piece in every_piece(settings):
        found = sup.record(piece.name)
        if found is not None and sup.state(piece.name) is State.RUNNING:
            memory[piece.name] = _vm_rss_kib(found.pid) / 1024
    return {name: round(value, 1) for name, value in memory.items()}


def _vm_rss_kib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return float(line.split()[1])
    return 0.0


def main() -> int:
    settings = Settings.from_env()
    latency = measure(settings)
    report = {
        "bench": "stack_health",
        "what": "sequential health round trips against the running local stack, after one warm-up call",
        "latency": latency,
        "unavailable_probes": sorted({"kafka.metadata", "mongo.ping", *http_probes(settings)} - set(latency)),
        "rss_mib": rss_mib(settings),
    }
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
