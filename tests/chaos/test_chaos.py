"""Nothing accepted is lost or done twice while every piece of the system is broken in turn.

A load driver opens ``CASIA_CHAOS_CASES`` cases (2,000; a third of them trámites with a
document) over twenty consented authorizations and works some of them, while the suite kills
each service with SIGKILL and starts it again, restarts Kafka and MongoDB, keeps the SMTP server
down for 30 s, and injects a malformed message into every consumed topic. Once the system is
quiet, every promise of ARCHITECTURE.md's "Delivery guarantees" is read where it lives
(:mod:`.audit`). The second test does the same with a second instance of every consumer service
running beside the stack's, so the groups rebalance under the load.

The stack's pieces are started again by casia-local (:mod:`casia_local.faults`), so the stack is
whole for the tests that follow.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from casia_contracts import topics
from casia_intake.settings import IntakeSettings
from casia_local import faults
from casia_ops.backlog import CONSUMER_GROUPS, until_quiet

from ..conftest import new_autorizado, new_tramitador
from ..instances import second_instances
from ..journeys import consented
from . import audit
from .driver import LoadDriver

pytestmark = pytest.mark.e2e

CASES = int(os.environ.get("CASIA_CHAOS_CASES", "2000"))
AUTHORIZATIONS = 20
CONCURRENCY = 16
SMTP_DOWN_SECONDS = 30.0
QUIET_WITHIN_SECONDS = 600.0
CONSUMED = {
    topics.CASE_COMMANDS,
    topics.DOCUMENT_EVENTS,
    topics.DOCUMENT_COMMANDS,
    topics.CASE_EVENTS,
    topics.RECEIPT_EVENTS,
}
POISON = b'{"specversion": "1.0", "id": "cut-short"'


async def break_everything(poison_key: str, bootstrap: str) -> list[str]:
    """Every fault in turn, a few seconds of load between them; what was done, in order."""
    done: list[str] = []
    for service in ("intake", "workflow", "documents", "receipts", "notifier"):
        await asyncio.sleep(3)
        await asyncio.to_thread(faults.killed, service)
        done.append(f"kill -9 {service}")
    await inject_poison(bootstrap, poison_key)
    done.append("poison in every consumed topic")
    for infrastructure in ("kafka", "mongo"):
        await asyncio.sleep(3)
        await asyncio.to_thread(faults.restarted, infrastructure)
        done.append(f"restart {infrastructure}")
    await asyncio.sleep(3)
    with faults.stopped("smtp"):
        await asyncio.sleep(SMTP_DOWN_SECONDS)
    done.append(f"SMTP down {SMTP_DOWN_SECONDS:.0f} s")
    return done


async def inject_poison(bootstrap: str, key: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for topic in CONSUMED:
            await producer.send_and_wait(topic, POISON, key=key.encode())
    finally:
        await producer.stop()


async def chaos_run(client: httpx.AsyncClient, mail_api: str, bootstrap: str) -> None:
    started = datetime.now(UTC)
    poison_key = f"caos-{uuid.uuid4().hex[:12]}"
    autorizados = [new_autorizado() for _ in range(AUTHORIZATIONS)]
    recipients = {
        a.authorization.number: f"caos-{uuid.uuid4().hex[:10]}@gestoria-pruebas.es" for a in autorizados
    }
    for each in autorizados:
        await consented(
            client, each.authorization.number, each.headers, recipients[each.authorization.number]
        )
    letters_before = await audit.letters_snapshot(bootstrap)

    driver = LoadDriver(client, autorizados, new_tramitador(), cases=CASES)
    load = asyncio.create_task(driver.run(concurrency=CONCURRENCY))
    done = await break_everything(poison_key, bootstrap)
    await load
    print(f"chaos: {done}; {len(driver.accepted)} accepted; {driver.tally}")

    settings = IntakeSettings()
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_uri)
    try:
        db = mongo[settings.mongo_db]
        left = await until_quiet(db, bootstrap, within=QUIET_WITHIN_SECONDS)
        assert not any(left.values()), f"not quiet after {QUIET_WITHIN_SECONDS:.0f} s: {left}"
        problems = [
            *await audit.cases_exactly_once(db, driver.accepted),
            *await audit.opened_once_each(bootstrap, [c.number for c in driver.accepted]),
            *await audit.one_opening_receipt_per_tramite(db, driver.accepted),
            *await audit.one_alta_mail_per_case(mail_api, recipients, driver.accepted),
            *await audit.no_orphan_objects(db, since=started),
            *await audit.only_the_injected_poison(bootstrap, letters_before, poison_key=poison_key),
        ]
    finally:
        await mongo.close()
    assert len(driver.accepted) == CASES, driver.tally.unexpected[:10]
    assert not driver.tally.unexpected, driver.tally.unexpected[:10]
    assert not problems, f"{len(problems)} broken promises: {problems[:20]}"


@pytest.mark.timeout(1500)
async def test_nothing_accepted_is_lost_or_doubled_while_each_piece_is_broken(
    client: httpx.AsyncClient, mail_api_url: str, kafka_bootstrap: str
) -> None:
    await chaos_run(client, mail_api_url, kafka_bootstrap)


@pytest.fixture
async def beside_the_stack(kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[None]:
    async with second_instances(CONSUMER_GROUPS, bootstrap=kafka_bootstrap, logs=tmp_path):
        yield


@pytest.mark.timeout(1500)
async def test_the_same_with_two_instances_of_every_consumer_rebalancing_under_the_load(
    client: httpx.AsyncClient, mail_api_url: str, kafka_bootstrap: str, beside_the_stack: None
) -> None:
    await chaos_run(client, mail_api_url, kafka_bootstrap)
