"""Benchmark: the read paths over the seeded cases (``bench/seed_cases.py`` first) — the
autorizado's search, the case detail and the clerks' work queue.

Two levels, one request at a time after a warm-up pass (not reported):
- adapters: ``MongoCaseFinder.search`` / ``.queue`` and ``MongoCaseReader.get`` on the bench
  database, as the routes call them;
- HTTP: the real gateway app (``create_app``: dev authentication with a secret of this run,
  tokens from ``mint_dev_token``) served by uvicorn in this process on a free loopback port, read
  with httpx: the detail route, the search and the queue's first page. Client and server share
  this process and its event loop.

Searches ask for the whole calendar month (Madrid) of a randomly sampled case of a randomly
sampled authorization (so busy authorizations come up as often as they open cases), 20 per page.
Also reports the plans at scale (``bench/search_plans.py``) and, per path, how many pages
WiredTiger had to read into its cache (what a cache smaller than the data costs). Prints one
JSON document.

    uv run python -m bench.read_paths [--samples 2000] [--database casia_bench]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from bench.open_cases import machine
from bench.search_plans import all_plans
from bench.seed_cases import DEFAULT_URI, MARKER
from pydantic import SecretStr
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.adapters.mongo import MongoCaseReader
from casia_intake.adapters.search import MongoCaseFinder
from casia_intake.app import create_app
from casia_intake.auth import AuthorizationClaim, Claims, Role, mint_dev_token
from casia_intake.domain.calendar import MonthWindow, spanish_date
from casia_intake.service.search import CaseSearch, QueueFilter, StatusFilter
from casia_intake.settings import IntakeSettings
from casia_local.bench import summarise
from casia_read_models import StoredCase
from casia_runtime.logging import configure_logging
from casia_runtime.testing.serving import served

Document = dict[str, Any]
Call = Callable[[int], Awaitable[object]]
CLERK_KEY = "clerk"
"""The key of the clerk's token among the tokens of the sampled authorizations."""


async def pages_read(db: AsyncDatabase[Document]) -> int:
    status = await db.client.admin.command("serverStatus")
    return int(status["wiredTiger"]["cache"]["pages read into cache"])


async def timed(db: AsyncDatabase[Document], call: Call, *, samples: int) -> dict[str, Any]:
    """Latencies of ``call(i)`` for i in 0..samples-1, one at a time, after ``samples // 10``
    warm-up calls; with the WiredTiger pages read into the cache meanwhile."""
    for i in range(max(1, samples // 10)):
        await call(samples + i)
    before = await pages_read(db)
    latencies = []
    for i in range(samples):
        began = time.perf_counter()
        await call(i)
        latencies.append(time.perf_counter() - began)
    read = await pages_read(db) - before
    return {**summarise(latencies), "cache_pages_read_per_call": round(read / samples, 2)}


class Workload:
    """Sampled cases and what each request asks for about them."""

    def __init__(self, sampled: list[Document]) -> None:
        self.cases = sampled

    def case(self, i: int) -> Document:
        return self.cases[i % len(self.cases)]

    def search(self, i: int, **criteria: Any) -> CaseSearch:
        case = self.case(i)
        day = spanish_date(case["opened_at"])
        window = MonthWindow.of(day.replace(day=1), None, today=day)
        return CaseSearch(authorization=case["authorization"]["number"], window=window, **criteria)


async def sample(db: AsyncDatabase[Document], size: int) -> Workload:
    pipeline = [
        {"$sample": {"size": size}},
        {"$project": {"authorization": 1, "opened_at": 1, "assignee": 1}},
    ]
    return Workload([document async for document in await db[StoredCase.COLLECTION].aggregate(pipeline)])


async def adapter_paths(db: AsyncDatabase[Document], work: Workload, samples: int) -> dict[str, Any]:
    finder, reader = MongoCaseFinder(db), MongoCaseReader(db)
    clerks = [c["assignee"]["nif"] for c in work.cases if c.get("assignee")]

    async def queue_deep(i: int) -> object:
        page = await finder.queue(QueueFilter(), limit=50)
        for _ in range(9):  # to the 10th page, keyset all the way
            page = await finder.queue(QueueFilter(), limit=50, cursor=page.next_cursor)
        return page

    calls: dict[str, Call] = {
        "search": lambda i: finder.search(work.search(i), limit=20),
        "search_open_by_subject": lambda i: finder.search(
            work.search(i, status=StatusFilter.OPEN, subject="cotizacion"), limit=20
        ),
        "detail": lambda i: reader.get(work.case(i)["_id"]),
        "queue_first_page": lambda i: finder.queue(QueueFilter(), limit=50),
        "queue_by_assignee": lambda i: finder.queue(QueueFilter(assignee=clerks[i % len(clerks)]), limit=50),
        "queue_by_subject": lambda i: finder.queue(QueueFilter(subject="sistema_red"), limit=50),
    }
    results = {name: await timed(db, call, samples=samples) for name, call in calls.items()}
    results["queue_ten_pages_in_a_row"] = await timed(db, queue_deep, samples=max(10, samples // 20))
    return results


def tokens_for(work: Workload, secret: str) -> dict[str, str]:
    """A dev token per sampled authorization, held by an autorizado acting for it alone."""
    tokens = {}
    for case in work.cases:
        held = AuthorizationClaim.model_validate(case["authorization"])
        claims = Claims(sub="12345678Z", name="Bench", roles=(Role.AUTORIZADO,), authorizations=(held,))
        tokens[held.number] = mint_dev_token(secret, claims, now=int(time.time()), ttl_seconds=3600)
    return tokens


async def http_paths(db: AsyncDatabase[Document], work: Workload, args: argparse.Namespace) -> dict[str, Any]:
    """Through the real gateway app: detail, search and the queue's first page."""
    secret = secrets.token_urlsafe(32)
    settings = IntakeSettings(
        mongo_uri=args.uri, mongo_db=args.database, auth_mode="dev", auth_dev_secret=SecretStr(secret)
    )
    app = create_app(settings)
    tokens = tokens_for(work, secret)
    clerk = Claims(sub="00000000T", name="Bench", roles=(Role.TRAMITADOR,), authorizations=())
    tokens[CLERK_KEY] = mint_dev_token(secret, clerk, now=int(time.time()), ttl_seconds=3600)
    async with served(app) as port, httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        statuses: list[int] = []

        async def get(path: str, number: str, params: dict[str, Any] | None = None) -> None:
            response = await client.get(
                path, params=params, headers={"Authorization": f"Bearer {tokens[number]}"}
            )
            statuses.append(response.status_code)

        def detail(i: int) -> Awaitable[None]:
            case = work.case(i)
            number = case["authorization"]["number"]
            return get(f"/v1/authorizations/{number}/cases/{case['_id']}", number)

        def search(i: int) -> Awaitable[None]:
            criteria = work.search(i)
            window = {
                "opened_from": criteria.window.first.isoformat(),
                "opened_to": criteria.window.last.isoformat(),
            }
            params = {"status": "all", **window, "limit": 20}
            return get(f"/v1/authorizations/{criteria.authorization}/cases", criteria.authorization, params)

        def queue(i: int) -> Awaitable[None]:
            return get("/v1/backoffice/cases", CLERK_KEY, {"status": "open", "limit": 50})

        results: dict[str, Any] = {"detail": await timed(db, detail, samples=args.samples)}
        results["search"] = await timed(db, search, samples=args.samples)
        results["queue_first_page"] = await timed(db, queue, samples=args.samples)
    results["status_counts"] = {str(s): statuses.count(s) for s in sorted(set(statuses))}
    return results


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", default=os.environ.get("CASIA_MONGO_URI", DEFAULT_URI))
    parser.add_argument("--database", default="casia_bench")
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args()
    configure_logging(service="bench", level="WARNING")  # stdout is for the JSON document only
    client: AsyncMongoClient[Document] = AsyncMongoClient(args.uri, tz_aware=True, appname="casia-bench-read")
    try:
        db = client[args.database]
        dataset = await db[MARKER].find_one({"_id": "cases"})
        if dataset is None:
            print("no dataset: run `uv run python -m bench.seed_cases` first", file=sys.stderr)
            return 2
        work = await sample(db, 500)
        report = {
            "benchmark": "read_paths",
            "machine": {**machine(), "load_average_before": os.getloadavg()},
            "dataset": {key: dataset[key] for key in ("cases", "authorizations", "seed")},
            "adapter": await adapter_paths(db, work, args.samples),
            "http": await http_paths(db, work, args),
            "plans": await all_plans(db),
            "load_average_after": os.getloadavg(),
        }
    finally:
        await client.close()
    print(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
