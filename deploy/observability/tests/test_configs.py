"""Alert rules' shape, and the scrape configurations against where the services really listen:
casia-local's ports, and the labels and port names of deploy/k8s/base."""

from __future__ import annotations

import re
from typing import Any

import pytest

from casia_local.settings import DEFAULT_SERVICE_PORTS, SERVICE_NAMES

from .conftest import ALERTS_TEST, KUBERNETES_CONFIG, LOCAL_CONFIG, OBSERVABILITY, load_yaml, load_yaml_all

DURATION = re.compile(r"^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$")
SEVERITIES = {"critical", "warning"}
K8S_BASE = OBSERVABILITY.parent / "k8s" / "base"


def test_every_alert_has_a_duration_a_severity_a_summary_and_a_description(
    rules: list[dict[str, Any]],
) -> None:
    for rule in rules:
        assert set(rule) == {"alert", "expr", "for", "labels", "annotations"}, rule.get("alert")
        assert DURATION.match(rule["for"]) and rule["for"], rule["alert"]
        assert rule["labels"]["severity"] in SEVERITIES, rule["alert"]
        assert set(rule["annotations"]) == {"summary", "description"}, rule["alert"]


def test_alert_names_are_unique_and_say_casia(rules: list[dict[str, Any]]) -> None:
    names = [rule["alert"] for rule in rules]

    assert len(set(names)) == len(names)
    assert all(name.startswith("Casia") for name in names)


@pytest.mark.parametrize(
    ("alert", "threshold", "duration"),
    [
        ("CasiaHttp5xxRatioHigh", "> 0.01", "5m"),
        ("CasiaHttpLatencyP99High", "> 1", "10m"),
        ("CasiaConsumerLagHigh", "> 1000", "10m"),
        ("CasiaOutboxStuck", "> 60", "5m"),
        ("CasiaEmailsFailing", "> 0", "15m"),
        ("CasiaTargetDown", "== 0", "2m"),
    ],
)
def test_the_agreed_thresholds_and_durations(
    alert: str, threshold: str, duration: str, rules: list[dict[str, Any]]
) -> None:
    rule = next(rule for rule in rules if rule["alert"] == alert)

    assert threshold in rule["expr"]
    assert rule["for"] == duration


def test_every_alert_has_a_unit_test_where_it_fires_and_one_where_it_does_not(
    rules: list[dict[str, Any]],
) -> None:
    """Expected alerts are compared exactly, so a firing check also proves the healthy series of
    its test silent; an empty one proves the `for:` delay or a recovery."""
    checks = [check for test in load_yaml(ALERTS_TEST)["tests"] for check in test["alert_rule_test"]]

    fires = {check["alertname"] for check in checks if check["exp_alerts"]}
    silent = {check["alertname"] for check in checks if not check["exp_alerts"]}

    assert fires == {rule["alert"] for rule in rules}
    assert silent == fires


def test_the_local_config_scrapes_each_service_at_its_casia_local_port() -> None:
    config = load_yaml(LOCAL_CONFIG)

    targets = {job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]}

    assert targets == {name: [f"127.0.0.1:{port}"] for name, port in DEFAULT_SERVICE_PORTS.items()}
    assert config["rule_files"] == ["alerts.yml"]


def test_the_target_down_alert_and_the_kubernetes_job_name_the_six_services(
    rules: list[dict[str, Any]],
) -> None:
    services = "|".join(SERVICE_NAMES)
    relabels = load_yaml(KUBERNETES_CONFIG)["scrape_configs"][0]["relabel_configs"]

    down = next(rule for rule in rules if rule["alert"] == "CasiaTargetDown")

    assert f'job=~"{services}"' in down["expr"]
    assert relabels[0]["regex"] == f"casia;({services})"


def base_deployments() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((K8S_BASE / "services").glob("*.yaml")):
        for document in load_yaml_all(path):
            if document and document["kind"] == "Deployment":
                found[document["metadata"]["name"]] = document
    return found


def test_the_kubernetes_job_relies_only_on_labels_and_ports_the_base_pods_carry() -> None:
    deployments = base_deployments()
    kustomization = load_yaml(K8S_BASE / "kustomization.yaml")

    assert sorted(deployments) == sorted(SERVICE_NAMES)
    assert {"pairs": {"app.kubernetes.io/part-of": "casia"}, "includeTemplates": True} in kustomization[
        "labels"
    ]
    for name, deployment in deployments.items():
        template = deployment["spec"]["template"]
        (container,) = template["spec"]["containers"]
        assert template["metadata"]["labels"]["app.kubernetes.io/name"] == name
        assert [port["name"] for port in container["ports"]] == ["http"], name
        assert container["ports"][0]["containerPort"] == DEFAULT_SERVICE_PORTS[name], name
