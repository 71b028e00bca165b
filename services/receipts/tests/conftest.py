"""The real MongoDB and MinIO of the local stack; each test in a database of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_receipts.adapters import mongo as store
from casia_receipts.adapters.rendering import PooledRenderer
from casia_receipts.service.desk import ReceiptDesk
from casia_receipts.settings import ReceiptsSettings
from casia_runtime.clock import utc_now_ms
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.s3 import S3Objects, make_s3_client
from casia_runtime.testing.mongo import mongo_client, throwaway_database

SETTINGS = ReceiptsSettings()


@pytest.fixture(scope="session")
def renderer() -> PooledRenderer:
    return PooledRenderer(timezone=SETTINGS.timezone, processes=0)


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


def desk_over(
    mongo: MongoClient, db: AsyncDatabase[Document], *, pdfs: Any, renderer: PooledRenderer
) -> ReceiptDesk:
    return ReceiptDesk(
        transactions=store.receipts_transactions(mongo, db),
        applied=store.inbox_of(db),
        receipts=store.ReceiptsReader(db),
        pdfs=pdfs,
        renderer=renderer,
        clock=utc_now_ms,
        bucket=SETTINGS.receipts_bucket,
        public_base_url=SETTINGS.public_base_url,
        on_commit=lambda: None,
    )


@pytest.fixture
def desk(
    mongo: MongoClient, db: AsyncDatabase[Document], objects: S3Objects, renderer: PooledRenderer
) -> ReceiptDesk:
    return desk_over(mongo, db, pdfs=objects, renderer=renderer)
