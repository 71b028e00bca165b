"""Intake's tests against the real MongoDB of the local stack, each test in its own database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.adapters.mongo import create_indexes
from casia_intake.settings import IntakeSettings
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.testing.mongo import mongo_client, throwaway_database


@pytest.fixture
async def mongo() -> AsyncIterator[MongoClient]:
    async with mongo_client(IntakeSettings()) as client:
        yield client


@pytest.fixture
async def db(mongo: MongoClient) -> AsyncIterator[AsyncDatabase[Document]]:
    """A database of its own, with intake's indexes, dropped after the test."""
    async with throwaway_database(mongo, prepare=create_indexes) as database:
        yield database
