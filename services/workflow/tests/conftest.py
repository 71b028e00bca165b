"""The workflow's use cases against the real MongoDB replica set, each test in its own database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.mongo import Document, MongoClient
from casia_runtime.testing.clock import ManualClock
from casia_runtime.testing.mongo import mongo_client, throwaway_database
from casia_workflow.adapters import mongo as store
from casia_workflow.adapters.unit_of_work import workflow_transactions
from casia_workflow.service.handling import Workflow
from casia_workflow.settings import WorkflowSettings


@dataclass
class Harness:
    workflow: Workflow
    clock: ManualClock
    db: AsyncDatabase[Document]
    commits: list[int]


@pytest.fixture
async def mongo() -> AsyncIterator[MongoClient]:
    async with mongo_client(WorkflowSettings()) as client:
        yield client


@pytest.fixture
async def db(mongo: MongoClient) -> AsyncIterator[AsyncDatabase[Document]]:
    """A database of its own, with the workflow's indexes, dropped after the test."""
    async with throwaway_database(mongo, prepare=store.create_indexes) as database:
        yield database


@pytest.fixture
async def harness(mongo: MongoClient, db: AsyncDatabase[Document]) -> Harness:
    clock = ManualClock()
    commits: list[int] = []
    workflow = Workflow(
        transactions=workflow_transactions(mongo, db),
        deadlines=store.CaseStore(db),
        clock=clock,
        on_commit=lambda: commits.append(1),
    )
    return Harness(workflow, clock, db, commits)
