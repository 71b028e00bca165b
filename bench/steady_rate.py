"""Benchmark: end-to-end latency of the alta at a steady rate, as an outside subscriber sees it.

Opens consultas for one consented authorization at ``--rate`` per second for ``--seconds``
(open loop: each request is due at its own instant, whether or not earlier ones have been
answered, so a slow system cannot slow the arrivals down and hide its queue), while a consumer of
its own reads the public topic. For each case: from the instant its POST was due to the 201, and
to the moment its ``case.opened`` event reached the subscriber. Prints JSON.

    uv run python -m bench.steady_rate [--rate 50] [--seconds 60] [--clients 64]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import time
from collections.abc import Collection
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from bench.clients import clients_of
from bench.cpu_per_case import consented_authorization
from bench.open_cases import BODY, machine

from casia_contracts import topics
from casia_intake.settings import IntakeSettings
from casia_local.bench import summarise
from casia_local.settings import Settings
from casia_ops.dead_letters import partitions_of

SETTLE_SECONDS = 30.0
"""After the last request: how long the subscriber waits for the events still to come."""


class Subscriber:
    """When each ``case.opened`` of the run's authorization reached a reader of the public topic
    (every partition, from its end when the reader started)."""

    def __init__(self, bootstrap: str, authorization: str) -> None:
        self.seen: dict[str, float] = {}
        self._bootstrap = bootstrap
        self._authorization = authorization
        self._arrived = asyncio.Condition()
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)

    async def start(self) -> None:
        partitions = await partitions_of(self._bootstrap, topics.CASE_EVENTS)
        await self._consumer.start()
        self._consumer.assign([TopicPartition(topics.CASE_EVENTS, p) for p in partitions])
        await self._consumer.seek_to_end()
        for partition in self._consumer.assignment():
            await self._consumer.position(partition)  # resolved now: nothing after this is missed

    async def run(self) -> None:
        async for record in self._consumer:
            arrived = time.perf_counter()
            event = json.loads(record.value or b"{}")
            data = event.get("data") or {}
            if event.get("type") != "es.casia.case.opened":
                continue
            if data.get("authorization_number") == self._authorization:
                async with self._arrived:
                    self.seen.setdefault(data["case_number"], arrived)
                    self._arrived.notify_all()

    async def until_seen(self, numbers: Collection[str]) -> None:
        async with self._arrived:
            await self._arrived.wait_for(lambda: self.seen.keys() >= set(numbers))

    async def stop(self) -> None:
        await self._consumer.stop()


async def steady(
    clients: list[httpx.AsyncClient], path: str, headers: dict[str, str], *, rate: float, seconds: float
) -> tuple[dict[str, float], dict[str, float], list[int]]:
    """Every POST due at its instant: case number → when it was due, case number → when it was
    answered, and every status."""
    free: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
    for client in clients:
        free.put_nowait(client)
    due_at: dict[str, float] = {}
    answered: dict[str, float] = {}
    statuses: list[int] = []

    async def one(due: float) -> None:
        client = await free.get()  # a request waiting for a client is late, and counted so
        try:
            response = await client.post(path, json=BODY, headers=headers)
        finally:
            free.put_nowait(client)
        statuses.append(response.status_code)
        if response.status_code in (201, 202):
            number = response.json()["case_number"]
            due_at[number], answered[number] = due, time.perf_counter()

    began = time.perf_counter()
    requests = []
    for n in range(int(rate * seconds)):
        due = began + n / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        requests.append(asyncio.create_task(one(due)))
    await asyncio.gather(*requests)
    return due_at, answered, statuses


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", default=os.environ.get("CASIA_GATEWAY_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=64)
    args = parser.parse_args()
    async with clients_of(args.gateway, args.clients) as clients:
        path, headers = await consented_authorization(clients[0], Settings.from_env())
        authorization = path.split("/")[3]
        subscriber = Subscriber(IntakeSettings().kafka_bootstrap, authorization)
        await subscriber.start()
        reading = asyncio.create_task(subscriber.run())
        try:
            due_at, answered, statuses = await steady(
                clients, path, headers, rate=args.rate, seconds=args.seconds
            )
            with contextlib.suppress(TimeoutError):  # what never came is reported, not waited for
                await asyncio.wait_for(subscriber.until_seen(due_at), SETTLE_SECONDS)
        finally:
            reading.cancel()
            await subscriber.stop()
    seen = {n: subscriber.seen[n] - due for n, due in due_at.items() if n in subscriber.seen}
    report: dict[str, Any] = {
        "benchmark": "steady_rate",
        "machine": machine(),
        "rate_per_second": args.rate,
        "seconds": args.seconds,
        "clients": args.clients,
        "status_counts": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "post_to_answer": summarise([answered[n] - due for n, due in due_at.items()]) if due_at else {},
        "post_to_case_opened_seen": summarise(list(seen.values())) if seen else {},
        "case_opened_not_seen": len(due_at) - len(seen),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
