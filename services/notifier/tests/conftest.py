"""The real MongoDB replica set of the local stack, each test in a database of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_notifier.adapters import mongo as store
from casia_notifier.settings import NotifierSettings
from casia_runtime.mongo import Document, MongoClient, make_mongo_client


@pytest.fixture
async def mongo() -> AsyncIterator[MongoClient]:
    client = make_mongo_client(NotifierSettings())
    yield client
    await client.close()


@pytest.fixture
async def db(mongo: MongoClient) -> AsyncIterator[AsyncDatabase[Document]]:
    """A database of its own, with the notifier's indexes, dropped after the test."""
    name = f"casia_test_{uuid.uuid4().hex[:12]}"
    database = mongo[name]
    await store.create_indexes(database)
    yield database
    await mongo.drop_database(name)
