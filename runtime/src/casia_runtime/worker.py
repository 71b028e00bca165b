"""The process shell of a Kafka-driven service: health routes, then the broker and background
loops as their dependencies allow.

``build_worker`` is called by each service's composition root; ``serve`` runs it with uvicorn on
the service's own port (127.0.0.1 by default). The app answers ``/healthz`` at once, even with
MongoDB or Kafka down; ``/readyz`` says not ready until the startup hooks (indexes) and the
broker have started, and while a dependency is unreachable.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar

import uvicorn
from casia_telemetry.metrics import exposition
from casia_telemetry.tracing import configure_tracing
from faststream.kafka import KafkaBroker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from casia_runtime.health import Readiness
from casia_runtime.logging import configure_logging, get_logger
from casia_runtime.settings import RuntimeSettings
from casia_runtime.startup import Loop, Startup, broker_start, name_of

log = get_logger(__name__)

Hook = Callable[[], Awaitable[None]]
S = TypeVar("S", bound=RuntimeSettings)

__all__ = ["Hook", "Loop", "build_worker", "instance_id", "run_service", "serve"]


def build_worker(
    broker: KafkaBroker,
    *,
    readiness: Readiness,
    on_startup: Sequence[Hook] = (),
    background: Sequence[Loop] = (),
    on_shutdown: Sequence[Hook] = (),
) -> Starlette:
    """An ASGI app: the startup hooks (each until it succeeds), then the broker, then the
    background loops, all in the background; stopped in reverse on shutdown."""
    steps = [(name_of(hook), hook) for hook in on_startup] + [("kafka", broker_start(broker))]
    startup = Startup(steps=steps, loops=background)
    checks = readiness.with_check("started", startup.started)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            async with startup:  # on the way out: the loops stop first, while the clients work
                yield
        finally:
            await _stop(broker, on_shutdown)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "alive"})

    async def readyz(request: Request) -> Response:
        report = await checks.report()
        return JSONResponse(report.as_json(), 200 if report.ready else 503)

    async def metrics(request: Request) -> Response:
        body, content_type = exposition()
        return Response(body, headers={"content-type": content_type})

    routes = [Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics)]
    return Starlette(routes=routes, lifespan=lifespan)


async def _stop(broker: KafkaBroker, on_shutdown: Sequence[Hook]) -> None:
    """Stop the broker (its consumers finish the message in hand), then the shutdown hooks; a
    failure of one (a dependency gone) does not keep the others from running."""
    for stop in (broker.stop, *on_shutdown):
        try:
            await stop()
        except Exception:
            log.warning("shutdown.step_failed", step=name_of(stop), exc_info=True)


def serve(app: Any, settings: RuntimeSettings) -> None:
    """Run an ASGI app until SIGTERM/SIGINT; our logging config is kept (log_config=None)."""
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        lifespan="on",
        access_log=False,
    )


def run_service(settings: S, build: Callable[[S], Any]) -> None:
    """The whole ``main`` of a service: logging and tracing first, then its app built and served."""
    configure_logging(service=settings.service_name, level=settings.log_level, json=settings.log_json)
    configure_tracing(settings.service_name)
    serve(build(settings), settings)


def instance_id() -> str:
    """Who this process is, for leases and logs: host and PID."""
    return f"{socket.gethostname()}:{os.getpid()}"
