"""promtool (Prometheus's own parser and rule evaluator) accepts both configurations, the alert
rules and every dashboard query, and the alert unit tests of alerts_test.yml pass."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import (
    ALERTS,
    ALERTS_TEST,
    COLD_BUILD_SECONDS,
    KUBERNETES_CONFIG,
    LOCAL_CONFIG,
    PROMETHEUS,
)

pytestmark = pytest.mark.timeout(COLD_BUILD_SECONDS)

GRAFANA_VALUES = {"$__rate_interval": "1m", "$job": "intake|workflow"}
"""What Grafana puts in place of the variables, for Prometheus to parse the queries."""


def promtool_run(promtool: Path, *args: str, cwd: Path = PROMETHEUS) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(promtool), *args], capture_output=True, text=True, check=False, cwd=cwd)


def test_the_alert_rules_are_valid(promtool: Path) -> None:
    result = promtool_run(promtool, "check", "rules", str(ALERTS))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.parametrize("config", [LOCAL_CONFIG, KUBERNETES_CONFIG], ids=lambda path: path.name)
def test_the_scrape_configuration_and_its_rule_files_are_valid(promtool: Path, config: Path) -> None:
    result = promtool_run(promtool, "check", "config", str(config))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "is valid prometheus config file syntax" in result.stdout
    assert f"Checking {ALERTS}\n  SUCCESS: " in result.stdout


def test_the_alert_unit_tests_pass(promtool: Path) -> None:
    result = promtool_run(promtool, "test", "rules", str(ALERTS_TEST))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_a_wrong_expectation_fails_the_unit_tests(promtool: Path, tmp_path: Path) -> None:
    """The unit tests can fail: the outbox alert expected at 4 minutes, before its 5 minutes."""
    suite: dict[str, Any] = yaml.safe_load(ALERTS_TEST.read_text(encoding="utf-8"))
    suite["rule_files"] = [str(ALERTS)]
    outbox = next(test for test in suite["tests"] if "outbox" in test["name"])
    outbox["alert_rule_test"][0]["exp_alerts"] = [
        {"exp_labels": {"job": "workflow", "outbox": "workflow_outbox", "severity": "critical"}}
    ]
    suite["tests"] = [outbox]
    broken = tmp_path / "broken_test.yml"
    broken.write_text(yaml.safe_dump(suite), encoding="utf-8")

    result = promtool_run(promtool, "test", "rules", str(broken))

    assert result.returncode != 0
    assert "CasiaOutboxStuck" in result.stdout + result.stderr


def test_every_dashboard_query_is_valid_promql(
    promtool: Path, panels: list[dict[str, Any]], tmp_path: Path
) -> None:
    """Each query, its variables given values as Grafana would, becomes a recording rule."""
    records = []
    for panel in panels:
        for target in panel["targets"]:
            expr = target["expr"]
            for variable, value in GRAFANA_VALUES.items():
                expr = expr.replace(variable, value)
            records.append({"record": f"dashboard:panel_{panel['id']}_{target['refId']}", "expr": expr})
    rules = tmp_path / "dashboard_rules.yml"
    rules.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": records}]}), encoding="utf-8")

    result = promtool_run(promtool, "check", "rules", str(rules))

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(records)} rules found" in result.stdout
