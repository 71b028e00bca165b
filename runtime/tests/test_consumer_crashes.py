"""A record that kills its consumer process is dead-lettered after ``max_attempts`` crashes, against
the real Kafka and MongoDB, and the partition goes on.

Each run of ``crashing_consumer.py`` is one process of a service of the test's own (its consumer
group, its dead-letter topic, a throwaway database); it dies on the poison record with
``os._exit``, so only a count kept outside the process can tell the next one how many tries
there were. The test starts and stops only its own processes, by PID.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from casia_contracts.dead_letters import DeadLetter
from casia_contracts.topics import dead_letter_topic
from casia_runtime.settings import RuntimeSettings
from casia_runtime.testing import read_until
from casia_runtime.testing.kafka import own_topics, unique_name
from casia_runtime.testing.waiting import eventually

from .crashing_consumer import CRASH, CRASHED

pytestmark = pytest.mark.integration

MAX_ATTEMPTS = 2
SCRIPT = Path(__file__).with_name("crashing_consumer.py")
RUN_WITHIN = 90.0
"""A generous bound on one run: a restarted member first waits out the dead one's Kafka session."""


@asynccontextmanager
async def consumer_process(
    topic: str, env: dict[str, str], log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """One run of the consumer; stopped (SIGTERM to its PID, then SIGKILL) if still running at exit."""
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(SCRIPT), topic, env=env, stdout=output, stderr=output
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=20)
            except TimeoutError:
                process.kill()
                await process.wait()


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


@pytest.mark.timeout(300)
async def test_a_record_that_kills_its_consumer_is_dead_lettered_after_max_attempts_and_the_next_is_handled(
    db: AsyncDatabase[dict[str, Any]], broker: KafkaBroker, settings: RuntimeSettings, tmp_path: Path
) -> None:
    service, topic = unique_name("rt-crash"), unique_name("casia.test.crash")
    env = {
        **os.environ,
        "CASIA_SERVICE_NAME": service,
        "CASIA_MONGO_DB": db.name,
        "CASIA_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "CASIA_DEAD_LETTER_AFTER_ATTEMPTS": str(MAX_ATTEMPTS),
        "CASIA_LOG_JSON": "false",
    }
    log = tmp_path / "consumer.log"
    async with own_topics(settings.kafka_bootstrap, {topic: 1, dead_letter_topic(service): 1}):
        await broker.publish(CRASH, topic, key=b"CAS-POISON")
        await broker.publish(b"after", topic, key=b"CAS-NEXT")

        for run in range(1, MAX_ATTEMPTS + 1):
            async with consumer_process(topic, env, log) as process:
                status = await asyncio.wait_for(process.wait(), timeout=RUN_WITHIN)
            assert status == CRASHED, f"run {run} ended with {status}, not on the poison record:\n{tail(log)}"

        async with consumer_process(topic, env, log) as process:

            async def next_record_handled() -> bool:
                assert process.returncode is None, f"run {MAX_ATTEMPTS + 1} died too:\n{tail(log)}"
                return await db.handled.count_documents({"value": b"after"}) == 1

            await eventually(next_record_handled, within=RUN_WITHIN, every=0.2)
            [letter] = await read_until(settings.kafka_bootstrap, dead_letter_topic(service), lambda r: True)

    dead = DeadLetter.model_validate_json(letter.value)
    assert (dead.topic, dead.partition, dead.offset, dead.key) == (topic, 0, 0, "CAS-POISON")
    assert (dead.payload, dead.error_type, dead.attempts) == ("crash", "AttemptsExhausted", MAX_ATTEMPTS)
    assert dead.consumer_group == service
    assert await db.handled.count_documents({}) == 1  # the poison record was never handled
