"""The metrics the services' code defines are the ones alerts and dashboard are written against:
same names, kinds, labels and buckets, so renaming one in the code fails here too."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest
from prometheus_client.metrics import MetricWrapperBase

from .promql import BUCKETS, CASIA, Metric

PACKAGES = ("casia_telemetry", "casia_runtime")
"""Where the shared metrics are defined (module-level, one registry per process)."""


def modules(package: str) -> list[ModuleType]:
    root = importlib.import_module(package)
    found = [root]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        found.append(importlib.import_module(info.name))
    return found


@pytest.fixture(scope="module")
def defined() -> dict[str, MetricWrapperBase]:
    """Every casia_* metric object at module level in PACKAGES, by its exposed name."""
    found: dict[str, MetricWrapperBase] = {}
    for package in PACKAGES:
        for module in modules(package):
            for value in vars(module).values():
                if isinstance(value, MetricWrapperBase) and value._name.startswith("casia_"):
                    suffix = "_total" if value._type == "counter" else ""
                    found[value._name + suffix] = value
    return found


def test_the_code_defines_exactly_the_metrics_alerts_and_dashboard_read(
    defined: dict[str, MetricWrapperBase],
) -> None:
    assert sorted(defined) == sorted(CASIA)


@pytest.mark.parametrize("name", sorted(CASIA))
def test_each_metric_has_the_kind_and_labels_agreed(name: str, defined: dict[str, MetricWrapperBase]) -> None:
    if name not in defined:
        pytest.fail(f"{name} is not defined in {', '.join(PACKAGES)}")
    metric = defined[name]

    assert Metric(metric._type or "untyped", frozenset(metric._labelnames)) == CASIA[name]


@pytest.mark.parametrize("name", sorted(name for name, metric in CASIA.items() if metric.kind == "histogram"))
def test_each_histogram_has_the_agreed_buckets(name: str, defined: dict[str, MetricWrapperBase]) -> None:
    if name not in defined:
        pytest.fail(f"{name} is not defined in {', '.join(PACKAGES)}")

    bounds = getattr(defined[name], "_upper_bounds", [])

    assert tuple(bounds) == (*BUCKETS, float("inf"))
