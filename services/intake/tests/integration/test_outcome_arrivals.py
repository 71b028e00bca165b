"""Read-your-writes over MongoDB's change stream: a waiting request learns of its case at once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.adapters.mongo import MongoCaseReader
from casia_read_models import StoredCase
from casia_runtime.mongo import Document

from ..builders import stored_case

pytestmark = pytest.mark.integration


class CountingReader(MongoCaseReader):
    """Counts direct reads: an answer from the change stream needs only the first one."""

    reads = 0

    async def get(self, case_number: str) -> StoredCase | None:
        self.reads += 1
        return await super().get(case_number)


@pytest.fixture
async def reader(db: AsyncDatabase[Document]) -> AsyncIterator[CountingReader]:
    reader = CountingReader(db)
    watching = asyncio.create_task(reader.watch())
    await asyncio.sleep(0.5)  # the stream is open before the test inserts
    yield reader
    watching.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watching


async def test_a_case_stored_while_waiting_is_delivered_by_the_change_stream(
    reader: CountingReader, db: AsyncDatabase[Document]
) -> None:
    async def workflow_stores_it() -> None:
        await asyncio.sleep(0.3)
        await db.cases.insert_one(stored_case("CAS-2026-0000001").to_document())

    storing = asyncio.create_task(workflow_stores_it())
    found = await reader.wait_for("CAS-2026-0000001", within=60.0)
    await storing

    assert found == stored_case("CAS-2026-0000001")
    assert reader.reads == 1  # the stream answered; the fallback read after the wait never ran


async def test_a_case_already_stored_is_returned_without_waiting(
    reader: CountingReader, db: AsyncDatabase[Document]
) -> None:
    await db.cases.insert_one(stored_case("CAS-2026-0000002").to_document())

    found = await reader.wait_for("CAS-2026-0000002", within=0.0)

    assert found is not None


async def test_a_case_never_stored_gives_none_after_the_wait(reader: CountingReader) -> None:
    assert await reader.wait_for("CAS-2026-0000003", within=0.3) is None
