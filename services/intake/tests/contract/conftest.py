"""The CaseFinders of the search's contract tests: the fake, and the MongoDB adapter over a
database of its own with the workflow's indexes (dropped after)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.mongo import Document, MongoClient
from casia_runtime.testing.mongo import throwaway_database

from ..search_support import Backend, create_case_indexes, in_memory, in_mongo


@pytest.fixture
async def cases_db(mongo: MongoClient) -> AsyncIterator[AsyncDatabase[Document]]:
    async with throwaway_database(mongo, prepare=create_case_indexes) as database:
        yield database


@pytest.fixture(params=["fake", pytest.param("mongo", marks=pytest.mark.integration)])
def finder_backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "fake":
        return in_memory()
    return in_mongo(request.getfixturevalue("cases_db"))
