"""The observability files, read once, and promtool (built into the cache on first use)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from casia_local.golang import ensure_built
from casia_local.settings import Settings

OBSERVABILITY = Path(__file__).resolve().parents[1]
PROMETHEUS = OBSERVABILITY / "prometheus"
ALERTS = PROMETHEUS / "alerts.yml"
ALERTS_TEST = PROMETHEUS / "alerts_test.yml"
LOCAL_CONFIG = PROMETHEUS / "prometheus.yml"
KUBERNETES_CONFIG = PROMETHEUS / "kubernetes.yml"
DASHBOARD = OBSERVABILITY / "grafana" / "casia-overview.json"

PROMTOOL = ("github.com/prometheus/prometheus/cmd/promtool", "v0.316.0", "promtool")
"""Prometheus 3.16's promtool (Go module versions v0.3xx.y are Prometheus 3.xx.y)."""
# The first run on a machine builds promtool with Go (~12 min on 2 busy cores, cached under
# ~/.cache/casia/bin); later runs take a second. The pytest timeout covers fixture setup.
COLD_BUILD_SECONDS = 1200


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_yaml_all(path: Path) -> list[Any]:
    return list(yaml.safe_load_all(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def alerts() -> dict[str, Any]:
    document: dict[str, Any] = load_yaml(ALERTS)
    return document


@pytest.fixture(scope="session")
def rules(alerts: dict[str, Any]) -> list[dict[str, Any]]:
    """Every rule of every group."""
    return [rule for group in alerts["groups"] for rule in group["rules"]]


@pytest.fixture(scope="session")
def dashboard() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="session")
def panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """The panels that draw something (rows left out), nested ones included."""
    found: list[dict[str, Any]] = []
    for panel in dashboard["panels"]:
        found.extend(panel.get("panels", []) if panel["type"] == "row" else [panel])
    return found


@pytest.fixture(scope="session")
def promtool() -> Path:
    package, version, name = PROMTOOL
    fallback = "install Prometheus's promtool and check the files by hand (README.md)"
    return ensure_built(
        Settings.from_env(), package=package, version=version, executable=name, fallback=fallback
    )
