"""The trace context goes from the span a message is written in to the span that handles it,
spans reach the JSON-lines file whole, and log lines name their trace."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from casia_telemetry import tracing
from casia_telemetry.tracing import JsonLinesExporter, add_trace_ids, consuming, trace_headers


@pytest.fixture
def recorded() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider, exporter
    provider.shutdown()


def test_a_message_written_in_a_span_is_handled_in_a_child_of_it(
    recorded: tuple[TracerProvider, InMemorySpanExporter], monkeypatch: pytest.MonkeyPatch
) -> None:
    provider, exporter = recorded
    # The process-wide provider can be set once only: this test's provider records instead.
    monkeypatch.setattr(tracing, "tracer", provider.get_tracer("casia"))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("POST /v1/cases") as request:
        headers = trace_headers()
    assert headers["traceparent"].split("-")[1] == format(request.get_span_context().trace_id, "032x")

    with consuming("casia.cases.commands.v1", headers, key="CAS-1", partition=3, offset=7) as span:
        assert span.get_span_context().trace_id == request.get_span_context().trace_id

    handled = next(s for s in exporter.get_finished_spans() if s.name == "process casia.cases.commands.v1")
    assert handled.parent is not None and handled.parent.span_id == request.get_span_context().span_id
    assert handled.kind is trace.SpanKind.CONSUMER
    assert handled.attributes is not None
    assert handled.attributes["messaging.kafka.message.key"] == "CAS-1"
    assert handled.attributes["messaging.destination.partition.id"] == "3"


def test_outside_any_span_a_message_carries_no_trace_context() -> None:
    assert "traceparent" not in trace_headers()


def test_the_file_exporter_writes_one_json_object_per_span(
    tmp_path: Path, recorded: tuple[TracerProvider, InMemorySpanExporter]
) -> None:
    provider, exporter = recorded
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("outer"), tracer.start_as_current_span("inner"):
        pass
    path = tmp_path / "traces" / "spans.jsonl"
    file_exporter = JsonLinesExporter(path)
    file_exporter.export(exporter.get_finished_spans())
    file_exporter.shutdown()

    spans = [json.loads(line) for line in path.read_text().splitlines()]
    assert [span["name"] for span in spans] == ["inner", "outer"]
    assert spans[0]["parent_id"] == spans[1]["context"]["span_id"]


def test_a_log_line_names_the_trace_and_span_it_was_logged_in(
    recorded: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, _ = recorded
    assert add_trace_ids(None, "info", {"event": "outside"}) == {"event": "outside"}
    with provider.get_tracer("test").start_as_current_span("work") as span:
        line = add_trace_ids(None, "info", {"event": "case.stored"})
    context = span.get_span_context()
    assert line == {
        "event": "case.stored",
        "trace_id": format(context.trace_id, "032x"),
        "span_id": format(context.span_id, "016x"),
    }
