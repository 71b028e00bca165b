"""Every service process starts with MongoDB and Kafka unreachable: it answers /healthz, says it
is not ready on /readyz, and stops promptly on SIGTERM. (That each comes up by itself once they
are back is shown in-process, where a test can restore the links: runtime/tests/
test_worker_startup.py and services/intake/tests/integration/test_mongo_trouble.py. Here the
links stay down, so no process of this test ever joins the stack's consumer groups.)
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from casia_runtime.testing.proxy import TcpProxy, free_port

pytestmark = pytest.mark.e2e

SERVICES = ["intake", "workflow", "documents", "receipts", "notifier"]


async def answers(url: str, within: float) -> httpx.Response:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient() as http:
        while True:
            try:
                return await http.get(url)
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)


async def started_and_stopped(service: str, env: dict[str, str], log: Path) -> tuple[int, int, bool]:
    """(/healthz status, /readyz status, whether SIGTERM shut it down cleanly) of a process of
    the test's own."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: ASYNC220 - a process of the test's own, stopped by its PID
            [str(Path(sys.executable).parent / f"casia-{service}")],
            env={**env, "CASIA_HTTP_PORT": str(port)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            alive = await answers(f"http://127.0.0.1:{port}/healthz", within=60)
            ready = await answers(f"http://127.0.0.1:{port}/readyz", within=10)
            process.send_signal(signal.SIGTERM)
            code = await asyncio.to_thread(process.wait, 20)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    # uvicorn re-raises the signal once shut down, so the process ends by it, after its lifespan.
    said = await asyncio.to_thread(log.read_text)
    clean = code in (0, -signal.SIGTERM) and "Application shutdown complete" in said
    return alive.status_code, ready.status_code, clean


@pytest.mark.timeout(180)
async def test_every_service_starts_without_mongodb_and_kafka_and_says_it_is_not_ready(
    tmp_path: Path,
) -> None:
    async with TcpProxy("127.0.0.1", 27017) as mongo, TcpProxy("127.0.0.1", 9092) as kafka:
        await mongo.refuse()
        await kafka.refuse()
        env = {
            **os.environ,
            "CASIA_MONGO_URI": f"mongodb://{mongo.address}/?directConnection=true",
            "CASIA_KAFKA_BOOTSTRAP": kafka.address,
            "CASIA_AUTH_MODE": "dev",
            "CASIA_AUTH_DEV_SECRET": "a-secret-for-this-test-only-0123456789",
        }
        outcomes = await asyncio.gather(
            *(started_and_stopped(service, env, tmp_path / f"{service}.log") for service in SERVICES)
        )

    assert dict(zip(SERVICES, outcomes, strict=True)) == {service: (200, 503, True) for service in SERVICES}
