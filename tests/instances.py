"""Service processes of a test's own, beside the stack's: started in the service's consumer group,
watched by PID, killed only by that PID.

The crash tests start one, wait until it has joined the group the stack's instance is in, and
kill it with SIGKILL mid-stream; the stack's instance takes over its partitions.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient

JOIN_WITHIN_SECONDS = 60.0


@dataclass(frozen=True)
class Instance:
    """A service process of the test's own, its HTTP port and the file it logs to."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def log_records(self) -> Iterator[dict[str, Any]]:
        """Its JSON log lines so far (a line cut short by a kill is left out)."""
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    yield json.loads(line)
                except ValueError:
                    continue


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


@asynccontextmanager
async def own_instance(
    service: str, *, bootstrap: str, log: Path, joining: int = 1, env: dict[str, str] | None = None
) -> AsyncIterator[Instance]:
    """A ``casia-<service>`` process in the consumer group ``service``, once it is ready and the
    stable group has ``joining`` more members than before it started; killed on exit if alive.

    ``env`` adds to the test's environment (the process gets a free ``CASIA_HTTP_PORT``).
    """
    members_before = 0
    while members_before == 0:  # the stack's instance may be rebalancing right now
        members_before = await group_members(bootstrap, service)
        await asyncio.sleep(0.2)
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: ASYNC220 - started once, watched by PID
            [str(Path(sys.executable).parent / f"casia-{service}")],
            env={**os.environ, **(env or {}), "CASIA_HTTP_PORT": str(port)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        await _joined(
            process, port=port, bootstrap=bootstrap, group=service, members=members_before + joining
        )
        yield Instance(process, port, log)
    finally:
        if process.poll() is None:
            process.kill()  # our own process, by its PID
        process.wait(timeout=10)


async def _joined(
    process: subprocess.Popen[bytes], *, port: int, bootstrap: str, group: str, members: int
) -> None:
    deadline = time.monotonic() + JOIN_WITHIN_SECONDS
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.3)
    if process.poll() is not None:
        pytest.fail(f"the {group} instance of the test exited with {process.returncode} (see its log)")
    while time.monotonic() < deadline and await group_members(bootstrap, group) < members:  # noqa: ASYNC110 - polling the broker, not a local condition
        await asyncio.sleep(0.5)
    if await group_members(bootstrap, group) < members:
        pytest.fail(f"the {group} instance of the test never joined the consumer group")
