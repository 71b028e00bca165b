"""OpenTelemetry traces: one case's journey (the request, then every message it causes) is one
trace, whichever processes it crosses.

HTTP requests open server spans (:mod:`casia_telemetry.http`); every message a process writes
carries the W3C trace context of the span it was written in (:func:`trace_headers`, as Kafka
headers, stored in the outbox with the message so the relay publishes it unchanged), and the
consumer that takes it opens its span as a child of that context (:func:`consuming`).

Which exporter, from the settings (``CASIA_TRACES_*``): ``none`` (the default: nothing recorded,
yet a context received is passed on), ``console``, ``file`` (JSON lines in ``CASIA_TRACES_FILE``,
what the local stack uses) or ``otlp`` (production: OTLP over HTTP to the collector the standard
``OTEL_EXPORTER_OTLP_*`` variables name).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from opentelemetry import propagate, trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace import Span, SpanKind
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "JsonLinesExporter",
    "TracingSettings",
    "add_trace_ids",
    "configure_tracing",
    "consuming",
    "trace_headers",
]

tracer = trace.get_tracer("casia")


class TracingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASIA_", frozen=True, extra="ignore")

    traces_exporter: Literal["none", "console", "file", "otlp"] = "none"
    traces_file: Path | None = None
    """Where the ``file`` exporter appends its spans, one JSON object per line."""
    traces_sample_ratio: float = Field(default=1.0, ge=0.0, le=1.0)
    """The share of new traces recorded; a trace begun elsewhere follows its caller's choice."""


def configure_tracing(service: str, settings: TracingSettings | None = None) -> None:
    """Install the process's tracer provider, once, at start (before any span is opened)."""
    settings = settings or TracingSettings()
    if settings.traces_exporter == "none":
        return
    resource = Resource.create(
        {"service.name": service, "service.instance.id": f"{socket.gethostname()}:{os.getpid()}"}
    )
    sampler = ParentBased(TraceIdRatioBased(settings.traces_sample_ratio))
    provider = TracerProvider(resource=resource, sampler=sampler)
    provider.add_span_processor(BatchSpanProcessor(_exporter(settings)))
    trace.set_tracer_provider(provider)


def _exporter(settings: TracingSettings) -> SpanExporter:
    if settings.traces_exporter == "file":
        if settings.traces_file is None:
            raise ValueError("CASIA_TRACES_EXPORTER=file needs CASIA_TRACES_FILE")
        return JsonLinesExporter(settings.traces_file)
    if settings.traces_exporter == "otlp":
        return OTLPSpanExporter()
    return ConsoleSpanExporter()


class JsonLinesExporter(SpanExporter):
    """Appends each span as one line of OpenTelemetry's JSON, in one write per batch, so several
    processes may share the file without their lines mixing."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = "".join(span.to_json(indent=None) + "\n" for span in spans)
        os.write(self._fd, lines.encode())
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        os.close(self._fd)


def trace_headers() -> dict[str, str]:
    """The current span's context as message headers (``traceparent``…); empty outside a span."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextmanager
def consuming(
    topic: str, headers: Mapping[str, str], *, key: str | None, partition: int, offset: int
) -> Iterator[Span]:
    """The span of handling one message, a child of the span that wrote it."""
    attributes: dict[str, str | int] = {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": topic,
        "messaging.destination.partition.id": str(partition),
        "messaging.kafka.offset": offset,
    }
    if key is not None:
        attributes["messaging.kafka.message.key"] = key
    context = propagate.extract(headers)
    with tracer.start_as_current_span(
        f"process {topic}", context=context, kind=SpanKind.CONSUMER, attributes=attributes
    ) as span:
        yield span


def add_trace_ids(_: object, __: str, event: dict[str, object]) -> dict[str, object]:
    """structlog processor: the trace and span ids of the line's span, to find its trace."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event["trace_id"] = format(context.trace_id, "032x")
        event["span_id"] = format(context.span_id, "016x")
    return event
