"""The images, built for real and run against the local stack.

Builds every image with `casia_local.images` (conftest.py; the layer cache under ~/.cache/casia/docker makes a
warm run about half a minute; a cold one, base image included, about four minutes), then runs all
six at once with host networking, each on a free port with the stack's settings, and waits for
docker's health status `healthy` and /readyz 200. The consumer services join the stack's consumer
groups while they run: the containers are removed by id as soon as they have been seen healthy.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from casia_local.auth import gateway_auth_env, portal_env
from casia_local.engine import Engine
from casia_local.images import Image, package_version
from casia_local.piece import http_status
from casia_local.settings import PORTAL, SERVICE_NAMES, Settings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

HEALTHY_WITHIN = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def inspect(docker: Engine, reference: str) -> dict[str, object]:
    found = json.loads(docker.docker("inspect", reference))
    assert isinstance(found, list) and len(found) == 1
    assert isinstance(found[0], dict)
    return found[0]


def test_every_service_has_an_image_labelled_with_its_version_and_commit(
    docker: Engine, built: list[Image], settings: Settings
) -> None:
    assert [image.service for image in built] == list(SERVICE_NAMES)
    for image in built:
        config = inspect(docker, image.tag)["Config"]
        assert isinstance(config, dict)
        labels = config["Labels"]
        assert labels["org.opencontainers.image.version"] == package_version(settings.repo, image.service)
        # The commit the build saw (a commit made meanwhile elsewhere in the tree must not matter).
        assert labels["org.opencontainers.image.revision"] == image.commit
        assert re.fullmatch(r"[0-9a-f]{40}(-dirty)?", image.commit), image.commit
        assert labels["org.opencontainers.image.title"] == f"casia-{image.service}"
        assert config["User"] == "10001:10001", "images run as a user of their own, not root"
        assert config["Healthcheck"]["Test"][0] == "CMD"
        assert config["Env"] and f"CASIA_HTTP_PORT={image.http_port}" in config["Env"]


def test_no_image_holds_tests_sources_or_the_build_tools(docker: Engine, built: list[Image]) -> None:
    for image in built:
        listing = docker.docker(
            "run", "--rm", "--network=none", "--entrypoint=/bin/sh", image.tag, "-c",
            "ls /opt/casia/venv/bin; ls -d /opt/uv /workspace 2>&1; id -u",
        )  # fmt: skip
        assert f"casia-{image.service}" in listing.split()
        assert "uv" not in listing.split(), "uv stays in the build stage"
        assert listing.count("No such file or directory") == 2, "/opt/uv and /workspace stay in the build"
        assert listing.split()[-1] == "10001"


def test_every_image_becomes_healthy_against_the_local_stack(
    docker: Engine, built: list[Image], settings: Settings, tmp_path: Path
) -> None:
    started: dict[str, str] = {}
    ports: dict[str, int] = {}
    try:
        for image in built:
            ports[image.service] = free_port()
            env_file = write_env(tmp_path, image.service, service_env(settings, image.service, ports))
            started[image.service] = docker.docker(
                "run", "--detach", "--network=host", f"--env-file={env_file}",
                f"--name=casia-image-test-{image.service}-{ports[image.service]}", image.tag,
            ).strip()  # fmt: skip
        pending = set(started)
        deadline = time.monotonic() + HEALTHY_WITHIN
        while pending and time.monotonic() < deadline:
            for service in sorted(pending):
                if is_healthy(docker, started[service], ports[service]):
                    pending.discard(service)
                    remove(docker, started.pop(service))
            time.sleep(1.0)
        assert not pending, explain(docker, {service: started[service] for service in pending})
    finally:
        for container in started.values():
            remove(docker, container)


def service_env(settings: Settings, service: str, ports: dict[str, int]) -> dict[str, str]:
    """What `casia-local up` gives the service, on the test's port and on loopback only."""
    env = {**settings.client_env(), "CASIA_HTTP_HOST": "127.0.0.1", "CASIA_HTTP_PORT": str(ports[service])}
    if service == "intake":
        env.update(gateway_auth_env(settings))
    if service == PORTAL:
        env.update(portal_env(settings))
    return env


def write_env(folder: Path, service: str, env: dict[str, str]) -> Path:
    path = folder / f"{service}.env"
    path.write_text("".join(f"{key}={value}\n" for key, value in env.items()))
    path.chmod(0o600)
    return path


def is_healthy(docker: Engine, container: str, port: int) -> bool:
    state = inspect(docker, container)["State"]
    assert isinstance(state, dict)
    assert state["Running"], f"the container exited: {logs(docker, container)}"
    return state["Health"]["Status"] == "healthy" and http_status(f"http://127.0.0.1:{port}/readyz") == 200


def explain(docker: Engine, containers: dict[str, str]) -> str:
    lines = [f"not healthy within {HEALTHY_WITHIN:.0f} s:"]
    for service, container in containers.items():
        state = inspect(docker, container)["State"]
        assert isinstance(state, dict)
        lines.append(f"--- {service}: {json.dumps(state.get('Health'))[-800:]}")
        lines.append(logs(docker, container))
    return "\n".join(lines)


def remove(docker: Engine, container: str) -> None:
    """SIGTERM first, so a consumer leaves its group at once instead of at its session timeout."""
    docker.docker("stop", "--time=10", container, check=False)
    docker.docker("rm", "--force", container, check=False)


def logs(docker: Engine, container: str) -> str:
    done = subprocess.run(
        ["docker", "logs", "--tail=20", container], capture_output=True, env=docker.env, check=False
    )
    return (done.stdout + done.stderr).decode(errors="replace")
