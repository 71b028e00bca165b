"""Alerts and dashboard read only metrics and labels the services expose, so a rename fails here."""

from __future__ import annotations

from typing import Any

import pytest

from .promql import CASIA, KNOWN_SERIES, unknown_labels, unknown_metrics, usage

PROBES_LEFT_OUT = 'route!~"/healthz|/readyz|/metrics"'
"""Every HTTP selector's matcher: probes and scrapes are not requests of people."""


def dashboard_expressions(dashboard: dict[str, Any], panels: list[dict[str, Any]]) -> list[str]:
    """Every target's expression and every query variable's query."""
    queries = [
        variable["definition"] for variable in dashboard["templating"]["list"] if variable["type"] == "query"
    ]
    return [target["expr"] for panel in panels for target in panel["targets"]] + queries


def test_the_extractor_finds_metrics_and_skips_functions_keywords_and_variables() -> None:
    expr = (
        'sum by (job, le) (rate(casia_http_request_duration_seconds_bucket{job=~"$job", route="/{x}"}'
        "[$__rate_interval])) / ignoring(le) up offset 15m > bool 1e3 unless casia_emails_total"
    )

    found = usage(expr)

    assert found.metrics == {"casia_http_request_duration_seconds_bucket", "up", "casia_emails_total"}
    assert found.matched["casia_http_request_duration_seconds_bucket"] == {"job", "route"}
    assert found.grouped == {"job", "le"}


def test_the_extractor_reads_a_grafana_label_values_query_as_its_selector() -> None:
    assert usage('label_values(up{job=~"intake|portal"}, job)').metrics == {"up"}


@pytest.mark.parametrize(
    ("expr", "unknown"),
    [
        ("rate(casia_http_requests_count[5m])", {"casia_http_requests_count"}),
        ('{__name__="casia_outbox_pending"}', {"{}"}),
        ("casia_outbox_pending_seconds > 0", {"casia_outbox_pending_seconds"}),
        ("casia_message_handling_seconds_bucket", set()),
        ("process_open_fds", set()),
    ],
)
def test_a_renamed_or_invented_metric_is_unknown(expr: str, unknown: set[str]) -> None:
    assert unknown_metrics(expr) == unknown


@pytest.mark.parametrize(
    ("expr", "unknown"),
    [
        ('casia_emails_total{result="failed"}', {"result"}),
        ("sum by (queue) (casia_consumer_lag)", {"queue"}),
        ("sum by (job, group, topic) (casia_consumer_lag)", set()),
        ("histogram_quantile(0.9, sum by (le) (rate(casia_message_handling_seconds_bucket[5m])))", set()),
    ],
)
def test_a_label_no_metric_of_the_expression_carries_is_unknown(expr: str, unknown: set[str]) -> None:
    assert unknown_labels(expr) == unknown


def test_every_alert_reads_only_known_metrics_and_labels(rules: list[dict[str, Any]]) -> None:
    problems = {
        rule["alert"]: (unknown_metrics(rule["expr"]), unknown_labels(rule["expr"]))
        for rule in rules
        if unknown_metrics(rule["expr"]) or unknown_labels(rule["expr"])
    }

    assert problems == {}


def test_every_dashboard_query_reads_only_known_metrics_and_labels(
    dashboard: dict[str, Any], panels: list[dict[str, Any]]
) -> None:
    problems = {
        expr: (unknown_metrics(expr), unknown_labels(expr))
        for expr in dashboard_expressions(dashboard, panels)
        if unknown_metrics(expr) or unknown_labels(expr)
    }

    assert problems == {}


def test_the_dashboard_shows_every_casia_metric(
    dashboard: dict[str, Any], panels: list[dict[str, Any]]
) -> None:
    read = set().union(*(usage(expr).metrics for expr in dashboard_expressions(dashboard, panels)))

    shown = {name for name, metric in CASIA.items() if set(metric.series(name)) & read}

    assert shown == set(CASIA)


def test_histograms_are_read_through_their_buckets_only_with_le(
    dashboard: dict[str, Any], panels: list[dict[str, Any]], rules: list[dict[str, Any]]
) -> None:
    expressions = dashboard_expressions(dashboard, panels) + [rule["expr"] for rule in rules]
    quantiles = [expr for expr in expressions if "histogram_quantile" in expr]

    assert quantiles
    for expr in quantiles:
        found = usage(expr)
        assert "le" in found.grouped, expr
        assert all(name.endswith("_bucket") for name in found.metrics), expr
        assert found.metrics <= set(KNOWN_SERIES), expr


def test_http_queries_leave_probes_and_scrapes_out(
    dashboard: dict[str, Any], panels: list[dict[str, Any]], rules: list[dict[str, Any]]
) -> None:
    expressions = dashboard_expressions(dashboard, panels) + [rule["expr"] for rule in rules]

    counted = [expr for expr in expressions if expr.count("casia_http_") != expr.count(PROBES_LEFT_OUT)]

    assert counted == []
