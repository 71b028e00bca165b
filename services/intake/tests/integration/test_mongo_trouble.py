"""What the gateway says when MongoDB is down or hangs, and that it starts and recovers without
it: the real database behind a TCP proxy the test breaks (refused or frozen connections)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.app import create_app
from casia_intake.settings import IntakeSettings
from casia_runtime.mongo import Document
from casia_runtime.testing.proxy import TcpProxy
from casia_runtime.testing.serving import served

from .. import serving

pytestmark = pytest.mark.integration

TIMEOUT = 1.0  # the gateway's bound on every MongoDB operation, in these tests


@pytest.fixture
async def link() -> AsyncIterator[TcpProxy]:
    """The gateway's way to the real MongoDB, which the test breaks."""
    async with TcpProxy("127.0.0.1", 27017) as proxy:
        yield proxy


def settings_over(link: TcpProxy, db: AsyncDatabase[Document], **more: object) -> IntakeSettings:
    return serving.settings_for(
        mongo_uri=f"mongodb://{link.address}/?directConnection=true",
        mongo_db=db.name,
        mongo_timeout_seconds=TIMEOUT,
        **more,
    )


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/database-unavailable"
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("fault", ["refused", "frozen"])
async def test_a_database_that_is_down_or_hangs_gets_a_bounded_503(
    link: TcpProxy, db: AsyncDatabase[Document], fault: str
) -> None:
    path, headers = serving.autorizado_headers()
    async with serving.gateway(settings_over(link, db)) as client:
        await serving.until_ready(client, within=30)
        await (link.refuse() if fault == "refused" else link.freeze())
        began = time.monotonic()
        opened = await client.post(path, json=serving.BODY, headers=headers)
        read = await client.get(f"{path}/CAS-2026-0000001", headers=headers)
        contact = await client.get(path.replace("/cases", "/contact"), headers=headers)
        took = time.monotonic() - began
        ready = await client.get("/readyz")

        await link.restore()
        await serving.until_ready(client, within=30)
        recovered = await client.get(path.replace("/cases", "/contact"), headers=headers)

    for answer in (opened, read, contact):
        assert_unavailable(answer)
    # Three requests, each bounded by the timeout plus the machine's slack under a full test run:
    # far from the 10-33 s of each request hanging on a database that does not answer.
    assert took < 3 * (TIMEOUT + 3)
    assert ready.status_code == 503 and ready.json()["checks"]["mongodb"] is False
    assert recovered.status_code == 200


async def raw_exchange(port: int, paths: list[str]) -> list[bytes]:
    """Send each GET in turn on one kept-alive TCP connection; return each status line."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = []
    try:
        for path in paths:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: intake\r\nConnection: keep-alive\r\n\r\n".encode())
            await writer.drain()
            status = await asyncio.wait_for(reader.readline(), timeout=10)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            await reader.readexactly(length)
            lines.append(status.strip())
    finally:
        writer.close()
    return lines


async def test_the_connection_stays_usable_after_a_500_and_after_a_503(
    link: TcpProxy, db: AsyncDatabase[Document]
) -> None:
    app: FastAPI = create_app(settings_over(link, db))

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    @app.get("/database")
    async def database() -> dict[str, bool]:
        return {"absent": await app.state.intake.cases.get("CAS-2026-0000001") is None}

    async with served(app) as port:
        await link.refuse()
        statuses = await raw_exchange(port, ["/boom", "/database", "/healthz"])

    assert statuses == [
        b"HTTP/1.1 500 Internal Server Error",
        b"HTTP/1.1 503 Service Unavailable",
        b"HTTP/1.1 200 OK",
    ]


async def test_a_gateway_started_with_mongodb_and_kafka_down_serves_503_then_recovers(
    link: TcpProxy, db: AsyncDatabase[Document]
) -> None:
    path, headers = serving.autorizado_headers()
    async with TcpProxy("127.0.0.1", 9092) as kafka:
        await link.refuse()
        await kafka.refuse()
        # The stack's own database: the command it sends is real, so its case number must come
        # from the real sequence (a test's own counter would repeat numbers the stack opened).
        settings = settings_over(link, db, kafka_bootstrap=kafka.address).model_copy(
            update={"mongo_db": serving.settings_for().mongo_db}
        )
        async with serving.gateway(settings) as client:
            alive = await client.get("/healthz")
            not_ready = await client.get("/readyz")
            refused = await client.post(path, json=serving.BODY, headers=headers)

            await link.restore()
            await kafka.restore()
            await serving.until_ready(client, within=60)
            opened = await client.post(path, json=serving.BODY, headers=headers)

    assert alive.status_code == 200
    assert not_ready.status_code == 503
    assert not_ready.json()["checks"] | {"s3": True} == {
        "started": False,
        "kafka": False,
        "mongodb": False,
        "s3": True,
    }
    assert_unavailable(refused)
    assert opened.status_code == 201, opened.text  # stored by the stack's workflow, read back
