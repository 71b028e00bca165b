"""The workflow's use cases against the real MongoDB replica set, each test in its own database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from casia_runtime.mongo import MongoClient, make_mongo_client
from casia_workflow.adapters import mongo as store
from casia_workflow.service.handling import Workflow
from casia_workflow.settings import WorkflowSettings


@dataclass
class ManualClock:
    """Time the test controls (millisecond precision, like MongoDB)."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 30, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Harness:
    workflow: Workflow
    clock: ManualClock
    db: object
    commits: list[int]


@pytest.fixture
async def mongo() -> AsyncIterator[MongoClient]:
    client = make_mongo_client(WorkflowSettings())
    yield client
    await client.close()


@pytest.fixture
async def harness(mongo: MongoClient) -> AsyncIterator[Harness]:
    name = f"casia_test_{uuid.uuid4().hex[:12]}"
    db = mongo[name]
    await store.create_indexes(db)
    clock = ManualClock()
    commits: list[int] = []
    workflow = Workflow(
        mongo=mongo,
        cases=store.CaseStore(db),
        outbox=store.outbox(db),
        inbox=store.inbox(db),
        clock=clock,
        on_commit=lambda: commits.append(1),
    )
    yield Harness(workflow, clock, db, commits)
    await mongo.drop_database(name)
