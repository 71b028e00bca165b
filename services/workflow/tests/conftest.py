"""The workflow's use cases against the real MongoDB replica set, each test in its own database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.mongo import Document, MongoClient, make_mongo_client
from casia_workflow.adapters import mongo as store
from casia_workflow.adapters.unit_of_work import MongoTransactions
from casia_workflow.service.handling import Workflow
from casia_workflow.settings import WorkflowSettings

from .fakes import ManualClock


@dataclass
class Harness:
    workflow: Workflow
    clock: ManualClock
    db: AsyncDatabase[Document]
    commits: list[int]


@pytest.fixture
async def mongo() -> AsyncIterator[MongoClient]:
    client = make_mongo_client(WorkflowSettings())
    yield client
    await client.close()


@pytest.fixture
async def db(mongo: MongoClient) -> AsyncIterator[AsyncDatabase[Document]]:
    """A database of its own, with the workflow's indexes, dropped after the test."""
    name = f"casia_test_{uuid.uuid4().hex[:12]}"
    database = mongo[name]
    await store.create_indexes(database)
    yield database
    await mongo.drop_database(name)


@pytest.fixture
async def harness(mongo: MongoClient, db: AsyncDatabase[Document]) -> Harness:
    clock = ManualClock()
    commits: list[int] = []
    workflow = Workflow(
        transactions=MongoTransactions(mongo, db),
        deadlines=store.CaseStore(db),
        clock=clock,
        on_commit=lambda: commits.append(1),
    )
    return Harness(workflow, clock, db, commits)
