"""What the gateway says when Kafka is unreachable or hangs, against the real broker.

A 503 must be true (nothing was sent, nothing will change); when the broker took a command but
did not acknowledge it in time, the answer is 202 with the case number and its Location, and the
case is then opened, once.
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_contracts import topics
from casia_intake.adapters.mongo import OUTBOX
from casia_local.faults import paused
from casia_runtime.mongo import Document
from casia_runtime.testing import read_until
from casia_runtime.testing.proxy import TcpProxy

from .. import serving

pytestmark = pytest.mark.integration


async def stored_case(client: httpx.AsyncClient, location: str, headers: dict[str, str]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while (found := await client.get(location, headers=headers)).status_code == 404:
        if time.monotonic() > deadline:
            raise AssertionError(f"{location} never stored")
        await asyncio.sleep(0.3)
    return found


@pytest.mark.timeout(180)
async def test_a_hanging_broker_gets_202_with_the_case_and_the_case_is_then_opened_once(
    db: AsyncDatabase[Document],
) -> None:
    # The stack's own database, where the stack's workflow stores cases; a short produce timeout,
    # so the producer gives the record up while Kafka hangs and only the outbox can deliver it.
    settings = serving.settings_for(kafka_publish_timeout_seconds=1.5, kafka_request_timeout_seconds=2.0)
    path, headers = serving.autorizado_headers()
    async with serving.gateway(settings) as client:
        await serving.until_ready(client, within=30)
        warm = await client.post(path, json=serving.BODY, headers=headers)  # the producer knows the topic
        assert warm.status_code == 201, warm.text
        with paused("kafka"):
            began = time.monotonic()
            answer = await client.post(path, json=serving.BODY, headers=headers)
            answered_in = time.monotonic() - began
            await asyncio.sleep(3)  # past the producer's delivery bound: its batch is given up
        assert answer.status_code == 202, answer.text
        number = answer.json()["case_number"]
        assert answer.headers["Location"] == f"{path}/{number}"
        assert answered_in < 5
        casia = db.client[settings.mongo_db]
        assert await casia[OUTBOX].count_documents({"key": number}) == 1  # kept for the relay

        case = (await stored_case(client, answer.headers["Location"], headers)).json()

    assert (case["case_number"], case["version"]) == (number, 1)
    records = await read_until(
        settings.kafka_bootstrap, topics.CASE_COMMANDS, lambda r: r.key == number.encode()
    )
    assert {json.loads(r.value)["id"] for r in records} == {json.loads(records[0].value)["id"]}  # one command


async def test_an_unreachable_broker_gets_a_true_503_and_nothing_is_kept(db: AsyncDatabase[Document]) -> None:
    async with TcpProxy("127.0.0.1", 9092) as kafka:
        await kafka.refuse()
        settings = serving.settings_for(kafka_bootstrap=kafka.address, mongo_db=db.name)
        path, headers = serving.autorizado_headers()
        async with serving.gateway(settings) as client:
            refused = await client.post(
                path, json=serving.BODY, headers={**headers, "Idempotency-Key": "k-1"}
            )

    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == str(settings.retry_after_seconds)
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "/problems/broker-unavailable"
    assert await db.case_numbers.count_documents({}) == 1  # it went as far as a number...
    assert await db[OUTBOX].count_documents({}) == 0  # ...and nothing was kept to be sent later
    [key] = await db.idempotency_keys.find().to_list()
    assert key["published"] is False  # a retry with the key sends the command then
