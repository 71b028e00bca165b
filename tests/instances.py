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
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
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
        return json_records(self.log)


def json_records(log: Path) -> Iterator[dict[str, Any]]:
    """The JSON lines of a service's log (a line cut short by a kill is left out)."""
    for line in log.read_text(errors="replace").splitlines():
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


async def group_member_ids(bootstrap: str, group: str) -> set[str] | None:
    """The member ids of the consumer group once it is stable; None while it rebalances."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group])
        [description] = response.to_object()["groups"]
        if description["state"] != "Stable":
            return None
        return {member["member_id"] for member in description["members"]}
    finally:
        await admin.close()


@asynccontextmanager
async def own_instance(
    service: str, *, bootstrap: str, log: Path, joining: int = 1, env: dict[str, str] | None = None
) -> AsyncIterator[Instance]:
    """A ``casia-<service>`` process in the consumer group ``service``, once it is ready and the
    stable group has at least ``joining`` members it did not have before (new ids: members of a
    process killed earlier, which linger until their session expires, are not mistaken for it);
    stopped on exit if alive (SIGTERM, so its consumers leave the group at once; SIGKILL after
    15 s).

    ``env`` adds to the test's environment (the process gets a free ``CASIA_HTTP_PORT``).
    """
    members_before = await group_member_ids(bootstrap, service)
    while members_before is None:  # the stack's instance may be rebalancing right now
        await asyncio.sleep(0.2)
        members_before = await group_member_ids(bootstrap, service)
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
            process, port=port, bootstrap=bootstrap, group=service, before=(members_before, joining)
        )
        yield Instance(process, port, log)
    finally:
        if process.poll() is None:
            process.terminate()  # our own process, by its PID
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        process.wait(timeout=10)


@asynccontextmanager
async def second_instances(
    services: Sequence[str], *, bootstrap: str, logs: Path
) -> AsyncIterator[list[Instance]]:
    """A second instance of each of ``services``, beside the stack's, each in its group once it
    has joined; killed on exit. Each logs to ``logs/<service>-2.log``."""
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(own_instance(s, bootstrap=bootstrap, log=logs / f"{s}-2.log"))
            for s in services
        ]


async def _joined(
    process: subprocess.Popen[bytes], *, port: int, bootstrap: str, group: str, before: tuple[set[str], int]
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
    known, joining = before
    while time.monotonic() < deadline:
        members = await group_member_ids(bootstrap, group)
        if members is not None and len(members - known) >= joining:
            return
        await asyncio.sleep(0.5)
    pytest.fail(f"the {group} instance of the test never joined the consumer group")
