"""Intake's tests against the real MongoDB of the local stack, each test in its own database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.adapters.mongo import create_indexes
from casia_intake.settings import IntakeSettings
from casia_runtime.mongo import Document, MongoClient, make_mongo_client


@pytest.fixture
async def mongo() -> AsyncIterator[MongoClient]:
    client = make_mongo_client(IntakeSettings())
    yield client
    await client.close()


@pytest.fixture
async def db(mongo: MongoClient) -> AsyncIterator[AsyncDatabase[Document]]:
    """A database of its own, with intake's indexes, dropped after the test."""
    name = f"casia_test_{uuid.uuid4().hex[:12]}"
    database = mongo[name]
    await create_indexes(database)
    yield database
    await mongo.drop_database(name)
