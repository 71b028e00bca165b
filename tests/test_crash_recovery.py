"""A workflow instance killed with SIGKILL mid-stream loses nothing and applies nothing twice.

The test starts a second workflow process of its own (the stack's keeps running), waits until
both share the consumer group, opens cases while it kills its own process, and then checks that
every case was stored exactly once and announced by exactly one CloudEvent id (a re-published
event keeps its id, which is how subscribers deduplicate). It kills only the process it started.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from casia_contracts import topics
from casia_contracts.case_events import CaseOpened
from casia_runtime.testing import event_ids_by_subject

from .conftest import Autorizado
from .instances import own_instance
from .journeys import open_case, stored_case

pytestmark = pytest.mark.e2e

CASES = 40


@pytest.fixture
async def second_workflow(kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[subprocess.Popen[bytes]]:
    """A workflow process of the test's own, in the same consumer group as the stack's."""
    log = tmp_path / "workflow-2.log"
    async with own_instance("workflow", bootstrap=kafka_bootstrap, log=log) as instance:
        yield instance.process


@pytest.mark.timeout(300)  # a rebalance after the kill waits for the dead member's session to expire
async def test_killing_a_workflow_instance_mid_stream_loses_and_duplicates_nothing(
    client: httpx.AsyncClient,
    autorizado: Autorizado,
    kafka_bootstrap: str,
    second_workflow: subprocess.Popen[bytes],
) -> None:
    gate = asyncio.Semaphore(8)  # several commands in flight when the kill lands
    answered = 0

    async def opened() -> str:
        nonlocal answered
        async with gate:
            response = await open_case(client, autorizado.cases_path, autorizado.headers)
        assert response.status_code in (201, 202), response.text
        answered += 1
        if answered == CASES // 4:
            os.kill(second_workflow.pid, signal.SIGKILL)  # our own process, by its PID
        number: str = response.json()["case_number"]
        return number

    numbers = await asyncio.gather(*(opened() for _ in range(CASES)))
    assert second_workflow.wait(timeout=10) == -signal.SIGKILL

    for number in numbers:  # the survivor takes over the dead instance's partitions
        case = await stored_case(client, f"{autorizado.cases_path}/{number}", autorizado.headers, within=90.0)
        assert case["version"] == 1
    histories = [
        (await client.get(f"{autorizado.cases_path}/{n}/history", headers=autorizado.headers)).json()
        for n in numbers
    ]
    assert all(len(h["entries"]) == 1 for h in histories)

    ids_by_case = await event_ids_by_subject(
        kafka_bootstrap, topics.CASE_EVENTS, CaseOpened.message_type, numbers
    )
    assert sorted(ids_by_case) == sorted(numbers), "a case was never announced"
    assert all(len(ids) == 1 for ids in ids_by_case.values()), "a case was announced twice"
