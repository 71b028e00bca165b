"""The real MongoDB replica set and MinIO of the local stack: each test in a database of its own,
its objects under keys of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_documents.adapters import mongo as store
from casia_documents.service.storing import DocumentKeeper
from casia_documents.settings import DocumentsSettings
from casia_runtime.clock import utc_now_ms
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.s3 import S3Objects, make_s3_client
from casia_runtime.testing.mongo import mongo_client, throwaway_database

SETTINGS = DocumentsSettings()


@pytest.fixture
async def mongo() -> AsyncIterator[MongoClient]:
    async with mongo_client(SETTINGS) as client:
        yield client


@pytest.fixture
async def db(mongo: MongoClient) -> AsyncIterator[AsyncDatabase[Document]]:
    async with throwaway_database(mongo, prepare=store.create_indexes) as database:
        yield database


@pytest.fixture
def objects() -> S3Objects:
    return S3Objects(make_s3_client(SETTINGS))


@pytest.fixture
def keeper(mongo: MongoClient, db: AsyncDatabase[Document], objects: S3Objects) -> DocumentKeeper:
    return keeper_over(mongo, db, objects)


def keeper_over(mongo: MongoClient, db: AsyncDatabase[Document], objects: object) -> DocumentKeeper:
    return DocumentKeeper(
        objects=objects,  # type: ignore[arg-type]  # the real store, or a test's wrapper of it
        transactions=store.documents_transactions(mongo, db),
        applied=store.inbox_of(db),
        clock=utc_now_ms,
        documents_bucket=SETTINGS.documents_bucket,
        max_file_bytes=SETTINGS.max_file_bytes,
        on_commit=lambda: None,
    )
