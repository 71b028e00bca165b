"""The real MongoDB replica set of the local stack, each test in a database of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_notifier.adapters import mongo as store
from casia_notifier.settings import NotifierSettings
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.testing.mongo import mongo_client, throwaway_database


@pytest.fixture
async def mongo() -> AsyncIterator[MongoClient]:
    async with mongo_client(NotifierSettings()) as client:
        yield client


@pytest.fixture
async def db(mongo: MongoClient) -> AsyncIterator[AsyncDatabase[Document]]:
    """A database of its own, with the notifier's indexes, dropped after the test."""
    async with throwaway_database(mongo, prepare=store.create_indexes) as database:
        yield database
