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
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from types import FrameType
from typing import Any, Protocol, TypeVar

import uvicorn
from faststream.kafka import KafkaBroker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from casia_runtime.health import Readiness
from casia_runtime.logging import configure_logging, get_logger
from casia_runtime.settings import RuntimeSettings
from casia_runtime.startup import Loop, Startup, broker_start, name_of
from casia_telemetry.metrics import exposition
from casia_telemetry.tracing import configure_tracing

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


class Listening(Protocol):
    """Where a process serves HTTP: any service's settings (the portal's too)."""

    @property
    def http_host(self) -> str: ...

    @property
    def http_port(self) -> int: ...


class _DrainingServer(uvicorn.Server):
    """uvicorn's server, stopping in two steps on the first SIGTERM/SIGINT: at once it stops
    accepting and answers every response with ``connection: close``; ``drain_seconds`` later it
    shuts down as uvicorn does (waits for the requests in hand, then the lifespan). Meanwhile the
    requests of connections it had just accepted arrive and are served, and keep-alive clients
    are told to move to a new connection (on a shared port, to another process): uvicorn alone
    would close both kinds at once, failing a request sent at that instant. A second signal
    skips what is left of the drain."""

    drain_seconds = 1.0
    draining_since: float | None = None
    accepting = True

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        if self.draining_since is None and not self.force_exit:
            self.draining_since = time.monotonic()
            self.should_exit = False  # not yet: on_tick drains first

    async def on_tick(self, counter: int) -> bool:
        if self.draining_since is None:
            return await super().on_tick(counter)
        if self.accepting:
            self.accepting = False
            for server in self.servers:
                server.close()
            self.config.encoded_headers.append((b"connection", b"close"))
            self.server_state.default_headers.append((b"connection", b"close"))
            log.info("serve.draining", seconds=self.drain_seconds)
        await super().on_tick(counter)
        return self.should_exit or time.monotonic() - self.draining_since >= self.drain_seconds


KEEP_ALIVE_SECONDS = 75
"""How long an idle kept-alive connection stays open: longer than clients keep theirs (httpx 5 s,
browsers and load balancers up to 60 s). With uvicorn's 5 s, equal to httpx's, a client reusing
a connection at the instant the server closed it lost that request."""


def serve(app: Any, settings: Listening) -> None:
    """Run an ASGI app until SIGTERM/SIGINT; our logging config is kept (log_config=None).

    The port is bound with SO_REUSEPORT, so a new process of the same service can bind it while
    this one still serves (a no-downtime upgrade, ``casia-local upgrade``): the kernel spreads new
    connections over both; on SIGTERM this one stops accepting, drains for a second
    (:class:`_DrainingServer`), finishes the requests in hand and exits. Only processes of the
    same user can join the port. Every response names the process that made it
    (``casia-process: <pid>``), so an upgrade can tell the new process's ``/readyz`` from the old
    one's on the shared port. Exits with status 3 (uvicorn's) when the port cannot be bound or
    the app never starts.
    """
    family = socket.AF_INET6 if ":" in settings.http_host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        listener.bind((settings.http_host, settings.http_port))
    except OSError as error:
        log.error("serve.bind_failed", host=settings.http_host, port=settings.http_port, error=str(error))
        listener.close()
        sys.exit(uvicorn.config.STARTUP_FAILURE)
    config = uvicorn.Config(
        app,
        log_config=None,
        lifespan="on",
        access_log=False,
        headers=[("casia-process", str(os.getpid()))],
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    server = _DrainingServer(config)
    server.run(sockets=[listener])
    if not server.started:
        sys.exit(uvicorn.config.STARTUP_FAILURE)


def run_service(settings: S, build: Callable[[S], Any]) -> None:
    """The whole ``main`` of a service: logging and tracing first, then its app built and served."""
    configure_logging(service=settings.service_name, level=settings.log_level, json=settings.log_json)
    configure_tracing(settings.service_name)
    serve(build(settings), settings)


def instance_id() -> str:
    """Who this process is, for leases and logs: host and PID."""
    return f"{socket.gethostname()}:{os.getpid()}"
