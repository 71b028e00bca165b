"""Upgrading, scaling and rotating against the running stack (its Kafka, MongoDB and MinIO), with
service processes of the test's own: a casia-local home in a temporary folder, the services on
free ports. The stack's own processes are never touched; consumers of the test's own join the
stack's consumer groups, as tests/instances.py's do."""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from casia_intake.auth import AuthorizationClaim, Claims, Role, mint_dev_token
from casia_local import stack
from casia_local.auth import dev_secret
from casia_local.groups import Group, consumers_per_topic
from casia_local.process import PidRecord
from casia_local.report import StackError
from casia_local.rotation import rotate
from casia_local.scaling import scale
from casia_local.services import Service, instances
from casia_local.settings import Settings
from casia_local.upgrade import PROCESS_HEADER, await_new, members_before, upgrade

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

AUTHORIZATION = AuthorizationClaim(
    number=str(random.randint(1_000_000, 9_999_999)), holder_nif="B12345674", business_name="Pruebas SL"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A casia-local home of the test's own on the stack's infrastructure; whatever it started
    is stopped by PID at the end (only what its own PID files name)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("CASIA_LOCAL_RECORD", raising=False)
        env = {name: value for name, value in os.environ.items() if name != "CASIA_AUTH_DEV_SECRET"}
        home = tmp_path_factory.mktemp("casia-local-home")
        ports = {f"CASIA_{name}_PORT": str(free_port()) for name in ("INTAKE", "RECEIPTS", "PORTAL")}
        settings = Settings.from_env({**env, **ports, "CASIA_LOCAL_HOME": str(home)})
        assert settings.run_dir != Settings.from_env().run_dir
        try:
            yield settings
        finally:
            stack.down(settings)


def started(settings: Settings, service: str) -> PidRecord:
    """`service`'s first instance in `settings`' home, running and ready (and in its group)."""
    sup = stack.supervisor(settings)
    piece = Service(settings, service)
    found = sup.record(piece.name)
    if found is not None and found.is_alive():
        return found
    before = members_before(settings, piece)
    found = sup.start(piece.launch())
    await_new(settings, piece, found, before=before)
    return found


def token(secret: str) -> str:
    claims = Claims(
        sub="12345678Z", name="Ana Pérez", roles=(Role.AUTORIZADO,), authorizations=(AUTHORIZATION,)
    )
    return mint_dev_token(secret, claims, now=int(time.time()), ttl_seconds=600)


@dataclass
class Load:
    """Clients hammering a gateway until `done`: what answered, and what failed."""

    done: bool = False
    served_by: list[tuple[float, str | None]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    async def hammer(self, base: str, path: str, headers: dict[str, str], *, keep_alive: bool) -> None:
        """One request after another: each on a new connection (so the kernel spreads them over
        every process on the port), or all on one kept alive while the server lets it."""
        limits = httpx.Limits() if keep_alive else httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10.0) as http:
            while not self.done:
                try:
                    response = await http.get(path, headers=headers)
                except httpx.HTTPError as error:
                    self.failures.append(f"{path}: {error!r}")
                    continue
                self.served_by.append((time.monotonic(), response.headers.get(PROCESS_HEADER)))
                if response.status_code != 200:
                    self.failures.append(f"{path}: {response.status_code} {response.text[:200]}")


async def test_a_gateway_upgraded_under_load_fails_no_request_and_the_new_process_serves(
    own: Settings,
) -> None:
    old = await asyncio.to_thread(started, own, "intake")
    base = f"http://127.0.0.1:{own.service_ports['intake']}"
    reader = {"Authorization": f"Bearer {token(dev_secret(own))}"}
    read = f"/v1/authorizations/{AUTHORIZATION.number}/contact"
    load = Load()
    clients = [
        load.hammer(base, path, headers, keep_alive=keep_alive)
        for path, headers in (("/healthz", {}), (read, reader))
        for keep_alive in (False, False, True)
    ]
    running = [asyncio.create_task(client) for client in clients]

    await asyncio.sleep(1.0)
    [new] = await asyncio.to_thread(upgrade, own, "intake")
    upgraded_at = time.monotonic()
    await asyncio.sleep(1.0)
    load.done = True
    await asyncio.gather(*running)

    after = {pid for at, pid in load.served_by if at > upgraded_at}
    assert load.failures == []
    assert {str(old.pid), str(new.pid)} <= {pid for _, pid in load.served_by}
    assert after == {str(new.pid)}
    assert not old.is_alive()
    assert stack.supervisor(own).record("intake") == new


async def test_a_consumer_upgrade_joins_the_new_process_before_the_old_one_leaves(own: Settings) -> None:
    group = Group(own.kafka.bootstrap, "receipts")
    before = await settled(group)
    await asyncio.to_thread(started, own, "receipts")
    ours = await settled(group) - before
    snapshots: list[set[str]] = []

    async def watch() -> None:
        while True:
            members = await group.members()
            if members is not None:
                snapshots.append(members)
            await asyncio.sleep(0.2)

    watching = asyncio.create_task(watch())
    try:
        await asyncio.to_thread(upgrade, own, "receipts")
    finally:
        watching.cancel()
    final = await settled(group)
    theirs = final - before

    assert len(ours) == len(theirs) == consumers_per_topic(os.environ)  # receipts consume one topic
    assert any(ours | theirs <= members for members in snapshots)  # side by side for a while
    assert not ours & final


async def test_a_consumer_scales_within_its_partitions_in_its_group(own: Settings) -> None:
    group = Group(own.kafka.bootstrap, "receipts")
    first = await asyncio.to_thread(started, own, "receipts")
    one = await settled(group)

    await asyncio.to_thread(scale, own, "receipts", 2)
    two = await settled(group)
    extra = instances(own, "receipts")[1]
    await asyncio.to_thread(scale, own, "receipts", 1)
    back = await settled(group)
    with pytest.raises(StackError, match="cannot run 13 instances"):
        await asyncio.to_thread(scale, own, "receipts", 13)  # casia.cases.events.v1: 12 partitions

    assert extra.name == "receipts@2" and extra.port not in (None, own.service_ports["receipts"])
    assert len(two - one) == consumers_per_topic(os.environ) and not (two - one) & back
    assert [piece.name for piece in instances(own, "receipts")] == ["receipts"]
    assert first.is_alive()


async def test_after_a_rotation_old_and_new_tokens_are_accepted_and_any_other_is_401(own: Settings) -> None:
    await asyncio.to_thread(started, own, "intake")
    base = f"http://127.0.0.1:{own.service_ports['intake']}"
    old = token(dev_secret(own))

    await asyncio.to_thread(rotate, own, "auth")
    new = token(dev_secret(own))
    answers = await statuses(base, [old, new, token(secrets.token_urlsafe(48))])
    await asyncio.to_thread(rotate, own, "auth")
    later = await statuses(base, [old, new, token(dev_secret(own))])

    assert answers == [200, 200, 401]
    assert later == [401, 200, 200]  # the next rotation drops the first secret


async def statuses(base: str, tokens: list[str]) -> list[int]:
    async with httpx.AsyncClient(base_url=base, timeout=10.0) as http:
        return [
            (await http.get("/v1/me", headers={"Authorization": f"Bearer {each}"})).status_code
            for each in tokens
        ]


async def settled(group: Group) -> set[str]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        members = await group.members()
        if members is not None:
            return members
        await asyncio.sleep(0.3)
    pytest.fail(f"the {group.name} group kept rebalancing for a minute")
