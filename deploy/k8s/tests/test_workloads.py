"""The services' Deployments, over the rendered YAML of both overlays: hardened pods, the real
commands, ports and health routes, settings every service understands, secrets only by name."""

from __future__ import annotations

import base64
import importlib.metadata
import os
from typing import Any

import pytest
from faststream.kafka import KafkaBroker
from pydantic import SecretStr

from casia_intake.auth import auth_config
from casia_intake.entrypoints import system
from casia_intake.settings import IntakeSettings
from casia_k8s.toolkit import OVERLAYS
from casia_portal.app import create_app
from casia_portal.settings import PortalSettings
from casia_runtime.health import Readiness
from casia_runtime.worker import build_worker

from .conftest import COLD_BUILD_SECONDS
from .workloads import SETTINGS, Object, config, container, default_port, named, of_kind, setting_names

pytestmark = pytest.mark.timeout(COLD_BUILD_SECONDS)
Objects = dict[str, list[Object]]
MADE_BY_AN_OPERATOR = {"casia-mongo-uri"}
"""Secrets the MongoDB operator writes (the user's connection string)."""
NO_GATEWAY: Any = object()
"""The portal is built here only to read its routes: it never calls the gateway."""


def hardening_problems(deployment: Object) -> list[str]:
    name = deployment["metadata"]["name"]
    pod = deployment["spec"]["template"]["spec"]
    problems = []
    if pod.get("securityContext", {}).get("runAsNonRoot") is not True:
        problems.append(f"{name}: may run as root")
    if pod.get("securityContext", {}).get("seccompProfile") != {"type": "RuntimeDefault"}:
        problems.append(f"{name}: no RuntimeDefault seccomp profile")
    if pod.get("automountServiceAccountToken") is not False:
        problems.append(f"{name}: mounts a service account token")
    for each in pod["containers"]:
        security = each.get("securityContext", {})
        if security.get("allowPrivilegeEscalation") is not False or security.get("capabilities") != {
            "drop": ["ALL"]
        }:
            problems.append(f"{name}: may escalate privileges or keeps capabilities")
        if security.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{name}: writable root filesystem")
        if not ({"livenessProbe", "readinessProbe"} <= each.keys()):
            problems.append(f"{name}: lacks a liveness or readiness probe")
        for bound in ("requests", "limits"):
            if not {"cpu", "memory"} <= each.get("resources", {}).get(bound, {}).keys():
                problems.append(f"{name}: no cpu and memory {bound}")
    return problems


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_is_non_root_read_only_with_probes_requests_and_limits(
    overlay: str, objects: Objects
) -> None:
    deployments = list(of_kind(objects[overlay], "Deployment"))

    assert {item["metadata"]["name"] for item in deployments} >= SETTINGS.keys()
    assert [problem for item in deployments for problem in hardening_problems(item)] == []


def health_routes(service: str) -> set[str]:
    """The paths the service's HTTP app answers among /healthz and /readyz, from its own code."""
    if service == "intake":
        paths = {getattr(route, "path", "") for route in system.router.routes}
    elif service == "portal":
        settings = PortalSettings(session_secret=SecretStr("s" * 32), auth_mode="dev")
        paths = {getattr(route, "path", "") for route in create_app(settings, gateway=NO_GATEWAY).routes}
    else:
        app = build_worker(KafkaBroker(), readiness=Readiness({}))
        paths = {getattr(route, "path", "") for route in app.routes}
    return paths & {"/healthz", "/readyz"}


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SETTINGS)
def test_each_service_runs_its_command_on_its_port_probed_on_its_health_routes(
    overlay: str, service: str, objects: Objects
) -> None:
    deployment = named(objects[overlay], "Deployment", service)
    app = container(deployment)
    scripts = {entry.name for entry in importlib.metadata.entry_points(group="console_scripts")}
    image, _, tag = app["image"].partition(":")

    assert app["command"] == [f"casia-{service}"] and app["command"][0] in scripts
    assert image == f"casia/{service}" and tag not in ("", "latest")
    assert app["ports"] == [{"name": "http", "containerPort": default_port(service)}]
    assert {"name": "CASIA_HTTP_PORT", "value": str(default_port(service))} in app["env"]
    assert app["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert app["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert health_routes(service) == {"/healthz", "/readyz"}
    assert config(objects[overlay])["CASIA_HTTP_HOST"] == "0.0.0.0"


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SETTINGS)
def test_each_service_has_a_service_and_a_disruption_budget_for_its_pods(
    overlay: str, service: str, objects: Objects
) -> None:
    pods = named(objects[overlay], "Deployment", service)["spec"]["template"]["metadata"]["labels"]
    front = named(objects[overlay], "Service", service)["spec"]
    budget = named(objects[overlay], "PodDisruptionBudget", service)["spec"]

    assert front["selector"].items() <= pods.items()
    assert front["ports"] == [{"name": "http", "port": default_port(service), "targetPort": "http"}]
    assert budget["selector"]["matchLabels"].items() <= pods.items()
    assert budget["maxUnavailable"] == 1


def secret_values(objects: list[Object]) -> dict[tuple[str, str], str]:
    return {
        (item["metadata"]["name"], key): base64.b64decode(value).decode()
        for item in of_kind(objects, "Secret")
        for key, value in item.get("data", {}).items()
    }


def service_environment(objects: list[Object], service: str) -> dict[str, str]:
    """What the service's process would find in its environment: the ConfigMap, its own values,
    and its Secrets' values where the overlay has them (a long stand-in for the others)."""
    secrets = secret_values(objects)
    env = config(objects)
    for entry in container(named(objects, "Deployment", service)).get("env", []):
        reference = entry.get("valueFrom", {}).get("secretKeyRef")
        if reference is None:
            env[entry["name"]] = entry["value"]
        else:
            env[entry["name"]] = secrets.get((reference["name"], reference["key"]), "x" * 40)
    return env


def test_every_variable_the_manifests_set_is_a_setting_of_a_service(objects: Objects) -> None:
    """A misspelt variable would be ignored by the service (its settings ignore unknown names)."""
    known = set().union(*(setting_names(settings) for settings in SETTINGS.values()))
    for overlay in OVERLAYS:
        assert set(config(objects[overlay])) - known == set()
        for service, settings in SETTINGS.items():
            own = {item["name"] for item in container(named(objects[overlay], "Deployment", service))["env"]}
            assert {name for name in own if name.startswith("CASIA_")} - setting_names(settings) == set()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_and_the_portal_accept_their_settings_and_sign_in_mode(
    overlay: str, objects: Objects, monkeypatch: pytest.MonkeyPatch
) -> None:
    for service in ("intake", "portal"):
        with monkeypatch.context() as env:
            for name in [name for name in os.environ if name.startswith("CASIA_")]:
                env.delenv(name)
            for name, value in service_environment(objects[overlay], service).items():
                env.setenv(name, value)
            if service == "intake":
                assert auth_config(IntakeSettings()).mode == ("dev" if overlay == "dev" else "oidc")
            else:
                create_app(PortalSettings(), gateway=NO_GATEWAY)


def test_secrets_are_named_never_given_in_prod_and_dev_placeholders_say_so(objects: Objects) -> None:
    assert list(of_kind(objects["prod"], "Secret")) == []
    assert all(value.count("dev-only") for value in secret_values(objects["dev"]).values())


def test_every_secret_a_dev_pod_needs_is_generated_or_made_by_an_operator(objects: Objects) -> None:
    generated = {item["metadata"]["name"] for item in of_kind(objects["dev"], "Secret")}
    needed = {
        reference["name"]
        for deployment in of_kind(objects["dev"], "Deployment")
        for entry in container(deployment).get("env", [])
        if (reference := entry.get("valueFrom", {}).get("secretKeyRef")) and not reference.get("optional")
    }

    assert needed - generated == MADE_BY_AN_OPERATOR
