"""The metrics CASIA exposes (names, kinds, labels) and what a PromQL expression uses of them.

The extractor is a tokenizer, not a parser: strings, label matchers' values, ranges and grouping
clauses are blanked, then every identifier not followed by `(` and not a keyword is a metric name.
Its own tests (test_metric_names.py) pin that down; promtool parses the expressions for real.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SCRAPE_LABELS = frozenset({"job", "instance"})
"""Added by Prometheus to every series at scrape time."""

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class Metric:
    kind: str
    """counter, gauge or histogram"""
    labels: frozenset[str] = frozenset()

    def series(self, name: str) -> dict[str, frozenset[str]]:
        """The series names Prometheus stores for this metric, with the labels each carries."""
        labels = self.labels | SCRAPE_LABELS
        if self.kind != "histogram":
            return {name: labels}
        return {f"{name}_bucket": labels | {"le"}, f"{name}_sum": labels, f"{name}_count": labels}


def _metric(kind: str, *labels: str) -> Metric:
    return Metric(kind, frozenset(labels))


CASIA: dict[str, Metric] = {
    "casia_http_requests_total": _metric("counter", "method", "route", "status"),
    "casia_http_request_duration_seconds": _metric("histogram", "method", "route"),
    "casia_messages_handled_total": _metric("counter", "topic", "outcome"),
    "casia_message_handling_seconds": _metric("histogram", "topic"),
    "casia_consumer_lag": _metric("gauge", "group", "topic"),
    "casia_outbox_pending": _metric("gauge", "outbox"),
    "casia_outbox_oldest_pending_age_seconds": _metric("gauge", "outbox"),
    "casia_outbox_published_total": _metric("counter"),
    "casia_dead_letters_total": _metric("counter", "topic"),
    "casia_emails_total": _metric("counter", "outcome"),
    "casia_receipts_issued_total": _metric("counter", "kind"),
    "casia_documents_decided_total": _metric("counter", "status"),
}
"""What the services expose, as agreed with the services' code (casia_telemetry)."""

STANDARD: dict[str, Metric] = {
    "up": _metric("gauge"),
    "process_cpu_seconds_total": _metric("counter"),
    "process_resident_memory_bytes": _metric("gauge"),
}
"""Prometheus's own `up` and prometheus_client's process collector."""

KNOWN_SERIES: dict[str, frozenset[str]] = {
    series: labels
    for name, metric in {**CASIA, **STANDARD}.items()
    for series, labels in metric.series(name).items()
}

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_SELECTOR = re.compile(r"(?<![\w.:$])([a-zA-Z_:][\w:]*)?\s*\{([^{}]*)\}")
_MATCHER = re.compile(r"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)")
_RANGE = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
_IDENTIFIER = re.compile(r"(?<![\w.:$])([a-zA-Z_:][\w:]*)(\s*\()?")
_KEYWORDS = frozenset(
    {"and", "or", "unless", "bool", "offset", "inf", "nan", "by", "without", "on", "ignoring"}
    | {"group_left", "group_right"}
)
_LABEL_VALUES = re.compile(r"^\s*label_values\((.*),\s*\w+\s*\)\s*$", re.DOTALL)


@dataclass
class Usage:
    """What one expression reads: metric names, and the label names it selects or groups on."""

    metrics: set[str] = field(default_factory=set)
    matched: dict[str, set[str]] = field(default_factory=dict)
    """label names in each metric's selector"""
    grouped: set[str] = field(default_factory=set)
    """label names of by / without / on / ignoring / group_left / group_right"""


def usage(expr: str) -> Usage:
    """What `expr` reads. A Grafana `label_values(selector, label)` query counts as its selector."""
    found = _LABEL_VALUES.match(expr)
    text = _STRING.sub('""', found.group(1) if found else expr)
    result = Usage()
    for grouping in _GROUPING.finditer(text):
        result.grouped |= {label.strip() for label in grouping.group(1).split(",") if label.strip()}
    text = _GROUPING.sub(" ", text)
    for selector in _SELECTOR.finditer(text):
        name = selector.group(1) or "{}"  # a selector by __name__ alone: never a known metric
        result.matched.setdefault(name, set()).update(
            label for label in _MATCHER.findall(selector.group(2)) if label != "__name__"
        )
    text = _RANGE.sub(" ", _SELECTOR.sub(lambda selector: f" {selector.group(1) or ''} ", text))
    result.metrics = {
        name
        for name, call in _IDENTIFIER.findall(text)
        if not call and name not in _KEYWORDS and not name.startswith("$")
    } | set(result.matched)
    return result


def unknown_metrics(expr: str) -> set[str]:
    """Metric names in `expr` that CASIA does not expose (process_* counts as standard)."""
    return {
        name for name in usage(expr).metrics if name not in KNOWN_SERIES and not name.startswith("process_")
    }


def unknown_labels(expr: str) -> set[str]:
    """Label names `expr` selects or groups on that none of the metrics it reads carry."""
    found = usage(expr)
    carried = set().union(*(KNOWN_SERIES.get(name, SCRAPE_LABELS) for name in found.metrics))
    selected = {
        label
        for name, labels in found.matched.items()
        for label in labels - KNOWN_SERIES.get(name, SCRAPE_LABELS)
    }
    return selected | (found.grouped - carried)
