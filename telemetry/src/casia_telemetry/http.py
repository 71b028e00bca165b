"""What an HTTP service (the gateway, the portal) records of every request.

Traces: FastAPI's own OpenTelemetry support opens a server span per request (continuing the
caller's ``traceparent``) once a tracer provider is configured (:mod:`casia_telemetry.tracing`);
:data:`HTTP_TELEMETRY` is how we configure it. Metrics: :class:`RequestMetrics` counts and times
every request in Prometheus by route template (``/v1/cases/{number}``), never by the path a
client sent, so the label values stay few whatever the clients ask.
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from typing import Any, Final

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casia_telemetry.metrics import HTTP_REQUEST_SECONDS, HTTP_REQUESTS

UNMATCHED: Final = "unmatched"
METHODS: Final = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
NOT_TRACED: Final = frozenset({"/healthz", "/readyz", "/metrics"})
"""Probes and scrapes, many times a minute each: no span (the metrics count them)."""


def _probe_or_scrape(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("path") in NOT_TRACED


HTTP_TELEMETRY: Final[TelemetryConfig] = {
    "operation_spans": False,  # one span per request: dependencies and serialization are ours to time
    "logs": False,  # errors are logged by our own handlers, as JSON lines with the trace id
    "metrics": False,  # Prometheus, below
    "exclude": _probe_or_scrape,
}


def instrument_http(app: FastAPI) -> None:
    """Count and time every request of ``app`` (outermost of the middlewares added so far: it
    sees every answer, including those the others give)."""
    app.add_middleware(RequestMetrics)


class RequestMetrics:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # what the server answers if the app raises before it starts a response
        started = time.perf_counter()
        root_path = scope.get("root_path", "")

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            route = route_of(scope, root_path=root_path)
            HTTP_REQUEST_SECONDS.labels(method=method, route=route).observe(time.perf_counter() - started)
            HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()


def route_of(scope: Scope, *, root_path: str = "") -> str:
    """The template of the route the router chose for the request, as it noted it in the scope;
    for what a mount serves (static files), the mount's prefix, which the mount added to the
    scope's ``root_path`` (given as it was before); ``unmatched`` when no route was chosen."""
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str):
        return path
    mounted = str(scope.get("root_path", ""))
    if mounted != root_path and mounted.startswith(root_path):
        return f"{mounted[len(root_path) :]}/{{path}}"
    return UNMATCHED
