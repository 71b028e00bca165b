"""Benchmark data: a million stored cases over 10,000 authorizations, in a database of its own.

Loads the documents of ``bench/case_factory.py`` into ``<database>.cases`` (never the stack's
``casia``) with unordered ``insert_many`` batches, several in flight while the next ones are
generated, then builds the indexes the workflow creates (its own ``create_case_indexes``, one
command, one collection scan). Idempotent: a database already holding this dataset (recorded in
``bench_dataset`` once complete) is reused as it is; ``--reset`` loads it again. Prints one JSON
document.

    uv run python -m bench.seed_cases [--cases 1000000] [--authorizations 10000] [--reset]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from bench.case_factory import CaseFactory, Dataset, Document
from bench.open_cases import machine
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from casia_read_models import StoredCase
from casia_workflow.adapters.mongo import create_case_indexes

MARKER = "bench_dataset"
FORMAT = 1
"""Bump when the generated documents change, so an older dataset is not reused."""
DEFAULT_URI = "mongodb://127.0.0.1:27017/?replicaSet=rs0"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", default=os.environ.get("CASIA_MONGO_URI", DEFAULT_URI))
    parser.add_argument("--database", default="casia_bench")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--authorizations", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch", type=int, default=5_000, help="documents per insert_many")
    parser.add_argument("--in-flight", type=int, default=4, help="insert_many calls in flight")
    parser.add_argument("--indexes-first", action="store_true", help="index while inserting")
    parser.add_argument("--reset", action="store_true", help="load again even if the dataset is there")
    return parser.parse_args()


def wanted(args: argparse.Namespace) -> dict[str, Any]:
    """What makes a dataset reusable: the same documents in the same number."""
    return {"format": FORMAT, "cases": args.cases, "authorizations": args.authorizations, "seed": args.seed}


class Tally:
    """What the loaded data looks like, counted as it is generated; checks a sample against the
    read model (the first document of every batch)."""

    def __init__(self) -> None:
        self.per_authorization: Counter[str] = Counter()
        self.open = 0
        self.checked = 0

    def watch(self, batches: Iterator[list[Document]]) -> Iterator[list[Document]]:
        for batch in batches:
            StoredCase.from_document(batch[0])  # raises if the factory drifted from the model
            self.checked += 1
            self.per_authorization.update(document["authorization"]["number"] for document in batch)
            self.open += sum(document["status"] == "open" for document in batch)
            yield batch

    def report(self) -> dict[str, Any]:
        counts = sorted(self.per_authorization.values())
        total = sum(counts)
        return {
            "open_fraction": round(self.open / total, 4),
            "cases_per_authorization": {
                "min": counts[0],
                "median": int(statistics.median(counts)),
                "max": counts[-1],
            },
            "documents_checked_against_the_read_model": self.checked,
        }


async def load(
    collection: AsyncCollection[Document], batches: Iterator[list[Document]], *, in_flight: int
) -> None:
    """Insert every batch, ``in_flight`` inserts at a time while the next batches are generated."""
    queue: asyncio.Queue[list[Document] | None] = asyncio.Queue(maxsize=in_flight)

    async def insert() -> None:
        while (batch := await queue.get()) is not None:
            await collection.insert_many(batch, ordered=False)

    workers = [asyncio.create_task(insert()) for _ in range(in_flight)]
    for batch in batches:
        await queue.put(batch)
        await asyncio.sleep(0)  # let a worker send it before the next batch is generated
    for _ in workers:
        await queue.put(None)
    await asyncio.gather(*workers)


async def seed(db: AsyncDatabase[Document], args: argparse.Namespace) -> dict[str, Any]:
    """Drop and load the dataset; its figures, also recorded in the marker."""
    await db.drop_collection(MARKER)
    await db.drop_collection(StoredCase.COLLECTION)
    end = datetime.now(UTC).date().replace(day=1)
    factory = CaseFactory(Dataset(args.cases, args.authorizations, args.seed, end))
    tally = Tally()
    began = time.perf_counter()
    if args.indexes_first:
        await create_case_indexes(db)
    await load(db[StoredCase.COLLECTION], tally.watch(factory.batches(args.batch)), in_flight=args.in_flight)
    loaded = time.perf_counter()
    await create_case_indexes(db)
    indexed = time.perf_counter()
    report = {
        "opened_between": [factory.dataset.start.date().isoformat(), end.isoformat()],
        "seconds": {
            "generate_and_insert": round(loaded - began, 1),
            "build_indexes": round(indexed - loaded, 1),
            "total": round(indexed - began, 1),
        },
        "documents_per_second": round(args.cases / (indexed - began)),
        "batch": args.batch,
        "in_flight": args.in_flight,
        "indexes_first": args.indexes_first,
        **tally.report(),
    }
    await db[MARKER].insert_one({"_id": "cases", **wanted(args), "report": report})
    return report


async def sizes(db: AsyncDatabase[Document]) -> dict[str, Any]:
    stats = await db.command("collStats", StoredCase.COLLECTION, scale=1024 * 1024)
    cache = (await db.client.admin.command("serverStatus"))["wiredTiger"]["cache"]
    return {
        "documents": stats["count"],
        "average_document_bytes": stats.get("avgObjSize"),
        "data_mib": round(stats["size"]),
        "storage_mib": round(stats["storageSize"]),
        "index_mib": {name: round(size, 1) for name, size in stats["indexSizes"].items()},
        "wiredtiger_cache_mib": round(cache["maximum bytes configured"] / 2**20),
    }


async def reused(db: AsyncDatabase[Document], args: argparse.Namespace) -> dict[str, Any] | None:
    """The figures of the dataset already loaded, if it is the one asked for and complete (the
    marker is written last); None when it must be loaded."""
    marker = await db[MARKER].find_one({"_id": "cases"})
    if args.reset or marker is None or any(marker.get(k) != v for k, v in wanted(args).items()):
        return None
    if await db[StoredCase.COLLECTION].estimated_document_count() != args.cases:
        return None
    await create_case_indexes(db)  # the index definitions may have changed since it was loaded
    return {**marker["report"], "reused": True}


async def main() -> int:
    args = arguments()
    if args.database == os.environ.get("CASIA_MONGO_DB", "casia"):
        print(f"refusing to seed {args.database}: it is the stack's own database", file=sys.stderr)
        return 2
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        args.uri, tz_aware=True, w=1, appname="casia-bench-seed"
    )
    try:
        db = client[args.database]
        report = await reused(db, args) or {**await seed(db, args), "reused": False}
        result = {
            "benchmark": "seed_cases",
            "machine": machine(),
            "database": args.database,
            **wanted(args),
            **report,
            "collection": await sizes(db),
        }
    finally:
        await client.close()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
