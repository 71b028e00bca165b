"""A workflow instance killed with SIGKILL mid-stream loses nothing and applies nothing twice.

The test starts a second workflow process of its own (the stack's keeps running), waits until
both share the consumer group, opens cases while it kills its own process, and then checks that
every case was stored exactly once and announced by exactly one CloudEvent id (a re-published
event keeps its id, which is how subscribers deduplicate). It kills only the process it started.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from casia_contracts import topics
from casia_contracts.case_events import CaseOpened
from casia_runtime.testing import read_until

from .conftest import Autorizado
from .journeys import open_case, stored_case

pytestmark = pytest.mark.e2e

CASES = 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def group_members(bootstrap: str, group: str) -> int:
    """Members of the consumer group once it is stable; 0 while it rebalances."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group])
        [description] = response.to_object()["groups"]
        return len(description["members"]) if description["state"] == "Stable" else 0
    finally:
        await admin.close()


@pytest.fixture
async def second_workflow(kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[subprocess.Popen[bytes]]:
    """A workflow process of the test's own, in the same consumer group as the stack's."""
    port = free_port()
    members_before = 0
    while members_before == 0:  # the stack's instance may be rebalancing right now
        members_before = await group_members(kafka_bootstrap, "workflow")
        await asyncio.sleep(0.2)
    log = (tmp_path / "workflow-2.log").open("wb")
    process = subprocess.Popen(  # noqa: ASYNC220 - started once, watched by PID
        [str(Path(sys.executable).parent / "casia-workflow")],
        env={**os.environ, "CASIA_HTTP_PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            try:
                if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.3)
    while time.monotonic() < deadline and await group_members(kafka_bootstrap, "workflow") <= members_before:  # noqa: ASYNC110 - polling the broker, not a local condition
        await asyncio.sleep(0.5)
    if await group_members(kafka_bootstrap, "workflow") <= members_before:
        pytest.fail("the second workflow instance never joined the consumer group")
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)
    log.close()


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

    wanted = {n.encode() for n in numbers}
    records = await read_until(
        kafka_bootstrap,
        topics.CASE_EVENTS,
        lambda r: r.key in wanted and json.loads(r.value)["type"] == CaseOpened.message_type,
        within=60.0,
        enough=lambda seen: {r.key for r in seen} >= wanted,
    )
    ids_by_case: dict[str, set[str]] = {}
    for record in records:
        event = json.loads(record.value)
        ids_by_case.setdefault(event["subject"], set()).add(event["id"])
    assert sorted(ids_by_case) == sorted(numbers), "a case was never announced"
    assert all(len(ids) == 1 for ids in ids_by_case.values()), "a case was announced twice"
