"""deploy/compose and the Dockerfiles: linted and validated offline, then the compose system brought
up for real with the locally built images (host networking, ports apart from the local stack's),
seen healthy and taken down with its volumes."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from casia_intake.auth import AuthorizationClaim, Claims, Role, mint_dev_token
from casia_local import minio
from casia_local.engine import Engine, ensure_packages
from casia_local.images import Image
from casia_local.infra_images import InfraImage
from casia_local.piece import http_status
from casia_local.settings import Settings, find_repo

REPO = find_repo()
COMPOSE = REPO / "deploy" / "compose"
DOCKERFILES = sorted(
    [REPO / "deploy" / "images" / "Dockerfile", *(REPO / "deploy" / "images").rglob("*.Dockerfile")]
)
SECRETS = {
    "CASIA_S3_SECRET_KEY": "compose-test-s3-secret",
    "CASIA_AUTH_DEV_SECRET": "compose-test-dev-secret-0123456789abcdefghijklmnop",
    "CASIA_SESSION_SECRET": "compose-test-session-secret-0123456789abcdefghij",
}
PROJECT = "casia-compose-test"
CONSULTA = {
    "case_type": "consulta",
    "subject": "gestion_autorizaciones",
    "category": "datos_contacto",
    "affects_current_period": False,
    "title": "Caso abierto en el sistema de compose",
    "description": "¿Llega este caso del gateway al workflow a través de Kafka?",
}
UP_WITHIN = 240.0


def compose(
    *args: str, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    ensure_packages()
    done = subprocess.run(
        ["docker-compose", *args], cwd=COMPOSE, env=env, capture_output=True, text=True, check=False
    )
    assert not check or done.returncode == 0, done.stderr[-3000:]
    return done


def with_secrets(base: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, **(base or {}), **SECRETS}


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: path.name)
def test_every_dockerfile_is_hadolint_clean(dockerfile: Path) -> None:
    done = subprocess.run(["hadolint", str(dockerfile)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_dockerfiles_are_found() -> None:
    assert {path.name for path in DOCKERFILES} == {
        "Dockerfile", "kafka.Dockerfile", "mongo.Dockerfile", "minio.Dockerfile", "mailpit.Dockerfile",
    }  # fmt: skip


@pytest.mark.parametrize("env_file", [None, "cluster.env"])
def test_compose_1_29_accepts_the_file(env_file: str | None) -> None:
    extra = ["--env-file", env_file] if env_file else []
    compose(*extra, "config", "-q", env=with_secrets())


def test_the_cluster_profile_adds_two_brokers_and_two_mongodb_members() -> None:
    rendered = yaml.safe_load(compose("--env-file", "cluster.env", "config", env=with_secrets()).stdout)
    services = rendered["services"]
    assert {name for name, spec in services.items() if spec.get("profiles") == ["cluster"]} == {
        "kafka-2", "kafka-3", "mongo-2", "mongo-3",
    }  # fmt: skip
    for broker in ("kafka-1", "kafka-2", "kafka-3"):
        kafka = services[broker]["environment"]
        assert kafka["KAFKA_VOTERS"] == "1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097"
        assert (kafka["KAFKA_REPLICATION"], kafka["KAFKA_MIN_ISR"]) == ("3", "2")
    members = services["init"]["environment"]["CASIA_COMPOSE_MONGO_MEMBERS"]
    assert members == "127.0.0.1:27117,127.0.0.1:27118,127.0.0.1:27119"


def test_compose_refuses_to_run_without_its_secrets() -> None:
    env = {key: value for key, value in os.environ.items() if key not in SECRETS}
    done = compose("config", "-q", env=env, check=False)
    assert done.returncode != 0
    assert "CASIA_S3_SECRET_KEY" in done.stderr


def test_the_file_matches_the_compose_specification_schema() -> None:
    done = subprocess.run(
        ["check-jsonschema", "--builtin-schema", "vendor.compose-spec", str(COMPOSE / "compose.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_init_creates_the_buckets_the_local_stack_creates() -> None:
    spec = importlib.util.spec_from_file_location("casia_compose_init", COMPOSE / "init.py")
    assert spec is not None and spec.loader is not None
    init = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(init)
    assert init.BUCKETS == minio.BUCKETS


@pytest.fixture(scope="module")
def compose_system(
    docker: Engine, built: list[Image], built_infra: list[InfraImage]
) -> Iterator[dict[str, str]]:
    env = with_secrets(docker.env) | {"CASIA_WORKFLOW_REPLICAS": "2"}
    try:
        compose("-p", PROJECT, "up", "-d", env=env)
        yield env
    finally:
        compose("-p", PROJECT, "down", "--volumes", "--timeout", "20", env=env, check=False)


@pytest.mark.integration
@pytest.mark.timeout(900)
def test_the_compose_system_comes_up_healthy(compose_system: dict[str, str], settings: Settings) -> None:
    deadline = time.monotonic() + UP_WITHIN
    while time.monotonic() < deadline:
        states = container_states(compose_system)
        if all_up(states) and ready(18000) and ready(18080):
            break
        time.sleep(2.0)
    states = container_states(compose_system)
    assert all_up(states), json.dumps(states, indent=1)
    assert sorted(name for name in states if "workflow" in name) == [
        f"{PROJECT}_workflow_1", f"{PROJECT}_workflow_2",
    ], "CASIA_WORKFLOW_REPLICAS=2 runs two workflow containers"  # fmt: skip
    assert ready(18000) and ready(18080), "the gateway and the portal answer /readyz"


@pytest.mark.integration
@pytest.mark.timeout(900)
def test_a_case_opened_through_the_compose_gateway_is_stored_by_its_workflow(
    compose_system: dict[str, str],
) -> None:
    """Through the whole compose system: gateway → Kafka → workflow → MongoDB, and back."""
    deadline = time.monotonic() + UP_WITHIN
    while not (all_up(container_states(compose_system)) and ready(18000)) and time.monotonic() < deadline:
        time.sleep(2.0)
    authorization = str(time.time_ns() % 10**9)
    claims = Claims(
        sub="12345678Z",
        name="Prueba compose",
        roles=(Role.AUTORIZADO,),
        authorizations=(
            AuthorizationClaim(number=authorization, holder_nif="12345678Z", business_name="Prueba"),
        ),
    )
    token = mint_dev_token(SECRETS["CASIA_AUTH_DEV_SECRET"], claims, now=int(time.time()), ttl_seconds=600)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url="http://127.0.0.1:18000", timeout=30.0) as client:
        opened = client.post(f"/v1/authorizations/{authorization}/cases", json=CONSULTA, headers=headers)
        assert opened.status_code in (201, 202), opened.text
        stored = client.get(opened.headers["location"], headers=headers)
        give_up = time.monotonic() + 30.0
        while stored.status_code != 200 and time.monotonic() < give_up:
            time.sleep(0.5)
            stored = client.get(opened.headers["location"], headers=headers)
    assert stored.status_code == 200, stored.text
    assert stored.json()["substatus"] == "submitted"
    assert stored.json()["authorization"]["number"] == authorization


def container_states(env: dict[str, str]) -> dict[str, str]:
    """name → 'healthy', 'exited 0', ... for every container of the project."""
    ids = compose("-p", PROJECT, "ps", "-q", env=env).stdout.split()
    states: dict[str, str] = {}
    for container in ids:
        found = json.loads(
            subprocess.run(
                ["docker", "inspect", container], env=env, capture_output=True, text=True, check=True
            ).stdout
        )[0]
        state = found["State"]
        health = state.get("Health", {}).get("Status") if state["Running"] else None
        states[found["Name"].lstrip("/")] = health or f"{state['Status']} {state['ExitCode']}"
    return states


def all_up(states: dict[str, str]) -> bool:
    """The one-shot init finished with 0 and the 11 long-running containers of the default profile
    (Kafka, MongoDB, MinIO, Mailpit, two workflows and the five other services) are healthy."""
    init = [state for name, state in states.items() if "_init_" in name]
    others = [state for name, state in states.items() if "_init_" not in name]
    return init == ["exited 0"] and len(others) == 11 and all(state == "healthy" for state in others)


def ready(port: int) -> bool:
    return http_status(f"http://127.0.0.1:{port}/readyz") == 200
