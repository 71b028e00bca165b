"""A worker whose MongoDB and Kafka are down when it starts: it serves its health routes, says it
is not ready, and comes up by itself when they are back (real servers behind broken links)."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.health import Readiness
from casia_runtime.kafka import kafka_ready, make_broker
from casia_runtime.mongo import Document, make_mongo_client, mongo_ready
from casia_runtime.settings import RuntimeSettings
from casia_runtime.testing.proxy import TcpProxy
from casia_runtime.testing.serving import served
from casia_runtime.worker import build_worker

pytestmark = pytest.mark.integration


async def ready_within(http: httpx.AsyncClient, seconds: float) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while (answer := await http.get("/readyz")).status_code != 200 and time.monotonic() < deadline:  # noqa: ASYNC110 - polling a server
        await asyncio.sleep(0.2)
    return answer


async def test_a_worker_started_without_its_dependencies_waits_for_them_and_comes_up(
    db: AsyncDatabase[Document], test_topic: str, settings: RuntimeSettings
) -> None:
    async with TcpProxy("127.0.0.1", 27017) as mongo_link, TcpProxy("127.0.0.1", 9092) as kafka_link:
        await mongo_link.refuse()
        await kafka_link.refuse()
        linked = settings.model_copy(
            update={
                "mongo_uri": f"mongodb://{mongo_link.address}/?directConnection=true",
                "kafka_bootstrap": kafka_link.address,
                "mongo_timeout_seconds": 1.0,
            }
        )
        broker, mongo = make_broker(linked), make_mongo_client(linked)
        received: list[bytes] = []
        arrived, loop_ran = asyncio.Event(), asyncio.Event()

        @broker.subscriber(test_topic, group_id=f"startup-{uuid.uuid4().hex[:8]}", auto_offset_reset="latest")
        async def on_message(body: bytes) -> None:
            received.append(body)
            arrived.set()

        async def create_index() -> None:
            await mongo[db.name].things.create_index("made_at")

        async def background() -> None:
            loop_ran.set()
            await asyncio.Event().wait()

        readiness = Readiness({"kafka": lambda: kafka_ready(broker), "mongodb": lambda: mongo_ready(mongo)})
        app = build_worker(
            broker,
            readiness=readiness,
            on_startup=[create_index],
            background=[background],
            on_shutdown=[mongo.close],
        )
        async with served(app) as port, httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            alive = await http.get("/healthz")
            waiting = await http.get("/readyz")
            await asyncio.sleep(1.5)  # several attempts fail meanwhile: the process stays up
            still_alive = await http.get("/healthz")

            await mongo_link.restore()
            await kafka_link.restore()
            ready = await ready_within(http, 60)
            indexes = await db.things.index_information()
            await asyncio.wait_for(loop_ran.wait(), timeout=5)
            await broker.publish(b"hello", test_topic)
            await asyncio.wait_for(arrived.wait(), timeout=30)

    assert (alive.status_code, still_alive.status_code) == (200, 200)
    assert waiting.status_code == 503
    assert waiting.json()["checks"] == {"kafka": False, "mongodb": False, "started": False}
    assert ready.status_code == 200, ready.text
    assert "made_at_1" in indexes
    assert received == [b"hello"]
