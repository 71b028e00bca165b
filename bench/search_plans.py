"""How the search and the work queue are served at scale: the real server's plan of each common
query shape over the seeded cases (``explain`` with ``executionStats``), as JSON.

For each shape: the winning plan's stages (root first) and index, and the keys and documents
it examined to return one page. The search runs in the busiest month of the busiest
authorization (the worst case the data holds) and of a median one; the queue on its first page
and on a page resumed deep inside the urgent group.

    uv run python -m bench.search_plans [--database casia_bench]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from casia_contracts.values import CaseType, Substatus
from casia_intake.adapters.search import Find, queue_finds, search_finds
from casia_intake.domain.calendar import SPAIN, MonthWindow
from casia_intake.service.search import CaseSearch, Position, QueueFilter, StatusFilter
from casia_read_models import StoredCase

Document = dict[str, Any]
SEARCH_PAGE, QUEUE_PAGE = 20, 50


def stages(plan: Document) -> Iterator[Document]:
    yield plan
    for child in plan.get("inputStages", [plan["inputStage"]] if "inputStage" in plan else []):
        yield from stages(child)


async def explained(db: AsyncDatabase[Document], find: Find, *, limit: int) -> Document:
    """One find's plan and what it cost, as the server reports them."""
    command = {"find": StoredCase.COLLECTION, "filter": find.filter, "sort": dict(find.sort), "limit": limit}
    result = await db.command("explain", command, verbosity="executionStats")
    winning = result["queryPlanner"]["winningPlan"]
    walked = list(stages(winning.get("queryPlan", winning)))
    execution = result["executionStats"]
    return {
        "stages": " <- ".join(dict.fromkeys(stage["stage"] for stage in walked)),
        "index": next((stage["indexName"] for stage in walked if "indexName" in stage), None),
        "index_scans": sum(stage["stage"] == "IXSCAN" for stage in walked),
        "keys_examined": execution["totalKeysExamined"],
        "documents_examined": execution["totalDocsExamined"],
        "returned": execution["nReturned"],
        "server_ms": execution["executionTimeMillis"],
    }


async def busiest_month(db: AsyncDatabase[Document], authorization: str) -> MonthWindow:
    """The calendar month (Madrid) in which ``authorization`` opened the most cases."""
    months: dict[tuple[int, int], int] = {}
    cursor = db[StoredCase.COLLECTION].find({"authorization.number": authorization}, {"opened_at": 1})
    async for document in cursor:
        at: datetime = document["opened_at"].astimezone(SPAIN)
        months[(at.year, at.month)] = months.get((at.year, at.month), 0) + 1
    year, month = max(months, key=lambda key: months[key])
    first = datetime(year, month, 1).date()
    return MonthWindow.of(first, None, today=first)


def search_shapes(authorization: str, window: MonthWindow) -> Iterator[tuple[str, CaseSearch]]:
    def of(**criteria: Any) -> CaseSearch:
        return CaseSearch(authorization=authorization, window=window, **criteria)

    yield "all", of()
    yield "open", of(status=StatusFilter.OPEN)
    yield "closed", of(status=StatusFilter.CLOSED)
    yield "substatus", of(substatus=Substatus.RESOLVED)
    yield "case_type", of(case_type=CaseType.TRAMITE)
    yield "subject", of(subject="cotizacion")
    yield "opened_by", of(opened_by="00000000T")
    yield (
        "closed+type+subject",
        of(status=StatusFilter.CLOSED, case_type=CaseType.CONSULTA, subject="afiliacion"),
    )


def queue_shapes(clerk: str) -> Iterator[tuple[str, QueueFilter]]:
    yield "open (default)", QueueFilter()
    yield "assignee", QueueFilter(assignee=clerk)
    yield "substatus", QueueFilter(substatus=Substatus.INFORMATION_REQUESTED)
    yield "subject", QueueFilter(subject="sistema_red")
    yield "affects_current_period", QueueFilter(affects_current_period=True)
    yield "assignee+subject", QueueFilter(assignee=clerk, subject="cotizacion")
    yield "all statuses", QueueFilter(status=StatusFilter.ALL)
    yield "closed+subject", QueueFilter(status=StatusFilter.CLOSED, subject="afiliacion")


async def search_plans(db: AsyncDatabase[Document], authorization: str) -> dict[str, Any]:
    window = await busiest_month(db, authorization)
    plans: dict[str, Any] = {"month": window.first.isoformat()[:7]}
    for name, criteria in search_shapes(authorization, window):
        plans[name] = await explained(db, search_finds(criteria, after=None)[0], limit=SEARCH_PAGE + 1)
    return plans


async def queue_plans(db: AsyncDatabase[Document], clerk: str) -> dict[str, Any]:
    """First page, and a page resumed after the 500th case of the group (same cost expected)."""
    plans: dict[str, Any] = {}
    for name, criteria in queue_shapes(clerk):
        first = queue_finds(criteria, after=None)[0]
        plans[name] = await explained(db, first, limit=QUEUE_PAGE + 1)
        cursor = db[StoredCase.COLLECTION].find(first.filter, sort=first.sort, skip=499, limit=1)
        deep = [document async for document in cursor]
        if deep:
            after = Position(deep[0]["opened_at"], deep[0]["_id"], deep[0]["affects_current_period"])
            resumed = queue_finds(criteria, after=after)[0]
            plans[f"{name}, resumed after 500"] = await explained(db, resumed, limit=QUEUE_PAGE + 1)
    return plans


async def all_plans(db: AsyncDatabase[Document]) -> dict[str, Any]:
    """Search plans for the busiest and a median authorization, queue plans for a busy clerk."""
    per_authorization = db[StoredCase.COLLECTION].aggregate(
        [{"$sortByCount": "$authorization.number"}, {"$group": {"_id": None, "all": {"$push": "$_id"}}}]
    )
    ranked: list[str] = (await (await per_authorization).to_list())[0]["all"]
    clerk = await db[StoredCase.COLLECTION].find_one({"assignee.nif": {"$type": "string"}}, {"assignee": 1})
    return {
        "search_busiest_authorization": await search_plans(db, ranked[0]),
        "search_median_authorization": await search_plans(db, ranked[len(ranked) // 2]),
        "queue": await queue_plans(db, clerk["assignee"]["nif"] if clerk else ""),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--uri", default=os.environ.get("CASIA_MONGO_URI", "mongodb://127.0.0.1:27017/?replicaSet=rs0")
    )
    parser.add_argument("--database", default="casia_bench")
    args = parser.parse_args()
    client: AsyncMongoClient[Document] = AsyncMongoClient(args.uri, tz_aware=True)
    try:
        print(json.dumps({"benchmark": "search_plans", **await all_plans(client[args.database])}, indent=2))
    finally:
        await client.close()


if __name__ == "__main__":
    asyncio.run(main())
