"""Waiting for a command's outcome over MongoDB's change stream: a waiting request learns of it
the moment the workflow records it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.adapters.outcomes import MongoCommandOutcomes
from casia_intake.settings import IntakeSettings
from casia_read_models import CommandResult, StoredCommandOutcome
from casia_runtime.mongo import Document, make_watching_client

from ..builders import T0

pytestmark = pytest.mark.integration

CLOSING_SECONDS = 10.0


def applied(command_id: str) -> StoredCommandOutcome:
    return StoredCommandOutcome(
        command_id=command_id, case_number="CAS-2026-0000001", result=CommandResult.APPLIED, version=2, at=T0
    )


class CountingOutcomes(MongoCommandOutcomes):
    """Counts direct reads: an answer from the change stream needs only the first one."""

    reads = 0

    async def get(self, command_id: str) -> StoredCommandOutcome | None:
        self.reads += 1
        return await super().get(command_id)


@pytest.fixture
async def outcomes(db: AsyncDatabase[Document]) -> AsyncIterator[CountingOutcomes]:
    # The stream on a client of its own, as the gateway runs it: an idle stream outlives the
    # bounded client's timeoutMS (sharing it made a slow run's stream time out).
    watcher = make_watching_client(IntakeSettings())
    reader = CountingOutcomes(db, watching=watcher[db.name])
    watching = asyncio.create_task(reader.watch())
    await asyncio.sleep(0.5)  # the stream is open before the test inserts
    yield reader
    # Bounded: a stream cancelled while the server is still opening it has once held the teardown
    # until pytest's timeout (a full CI run, twice in many); the test's answer was already in.
    watching.cancel()
    with contextlib.suppress(asyncio.CancelledError, TimeoutError):
        await asyncio.wait_for(watching, timeout=CLOSING_SECONDS)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(watcher.close(), timeout=CLOSING_SECONDS)


async def test_an_outcome_recorded_while_waiting_is_delivered_by_the_change_stream(
    outcomes: CountingOutcomes, db: AsyncDatabase[Document]
) -> None:
    async def workflow_records_it() -> None:
        await asyncio.sleep(0.3)
        await db[StoredCommandOutcome.COLLECTION].insert_one(applied("cmd-1").to_document())

    recording = asyncio.create_task(workflow_records_it())
    found = await outcomes.wait_for("cmd-1", within=60.0)
    await recording

    assert found == applied("cmd-1")
    assert outcomes.reads == 1  # the stream answered; the fallback read after the wait never ran


async def test_an_outcome_already_recorded_is_returned_without_waiting(
    outcomes: CountingOutcomes, db: AsyncDatabase[Document]
) -> None:
    await db[StoredCommandOutcome.COLLECTION].insert_one(applied("cmd-2").to_document())

    assert await outcomes.wait_for("cmd-2", within=0.0) == applied("cmd-2")


async def test_an_outcome_never_recorded_gives_none_after_the_wait(outcomes: CountingOutcomes) -> None:
    assert await outcomes.wait_for("cmd-3", within=0.3) is None
