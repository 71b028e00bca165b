"""The process shell of a Kafka-driven service: FastStream app, health routes, background loops.

``build_worker`` is called by each service's composition root; ``serve`` runs it with uvicorn on
the service's own port (127.0.0.1 by default).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

import uvicorn
from faststream.asgi import AsgiFastStream, AsgiResponse, get
from faststream.kafka import KafkaBroker

from casia_runtime.health import Readiness
from casia_runtime.logging import configure_logging, get_logger
from casia_runtime.metrics import exposition
from casia_runtime.settings import RuntimeSettings

log = get_logger(__name__)

Hook = Callable[[], Awaitable[None]]
Loop = Callable[[], Coroutine[Any, Any, None]]
S = TypeVar("S", bound=RuntimeSettings)


def build_worker(
    broker: KafkaBroker,
    *,
    readiness: Readiness,
    on_startup: Sequence[Hook] = (),
    background: Sequence[Loop] = (),
    on_shutdown: Sequence[Hook] = (),
) -> AsgiFastStream:
    """An ASGI app that starts the broker, then the background loops; stops them in reverse."""
    tasks: list[asyncio.Task[None]] = []

    async def start_loops() -> None:
        for loop in background:
            tasks.append(asyncio.create_task(supervised(loop), name=loop.__qualname__))

    async def stop_loops() -> None:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @get(include_in_schema=False)
    async def healthz(scope: Any) -> AsgiResponse:
        return _json_response({"status": "alive"}, 200)

    @get(include_in_schema=False)
    async def readyz(scope: Any) -> AsgiResponse:
        report = await readiness.report()
        return _json_response(report.as_json(), 200 if report.ready else 503)

    @get(include_in_schema=False)
    async def metrics(scope: Any) -> AsgiResponse:
        body, content_type = exposition()
        return AsgiResponse(body, 200, headers={"content-type": content_type})

    return AsgiFastStream(
        broker,
        asgi_routes=[("/healthz", healthz), ("/readyz", readyz), ("/metrics", metrics)],
        on_startup=list(on_startup),
        after_startup=[start_loops],
        on_shutdown=[stop_loops, *on_shutdown],
        logger=logging.getLogger("casia.app"),
    )


async def supervised(loop: Loop, *, pause_seconds: float = 1.0) -> None:
    """Keep a background loop alive: log a crash and start it again after a pause.

    Once the task is being cancelled (shutdown), nothing restarts it: an error raised while the
    loop cleans up is logged and the cancellation goes on, so a process always stops on SIGTERM,
    even with its database or broker gone.
    """
    task = asyncio.current_task()
    while True:
        try:
            await loop()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background.crashed", loop=loop.__qualname__)
            if task is not None and task.cancelling():
                raise asyncio.CancelledError from None
            await asyncio.sleep(pause_seconds)


def _json_response(document: dict[str, object], status: int) -> AsgiResponse:
    return AsgiResponse(json.dumps(document).encode(), status, headers={"content-type": "application/json"})


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
    """The whole ``main`` of a service: logging first, then its app built and served."""
    configure_logging(service=settings.service_name, level=settings.log_level, json=settings.log_json)
    serve(build(settings), settings)


def instance_id() -> str:
    """Who this process is, for leases and logs: host and PID."""
    return f"{socket.gethostname()}:{os.getpid()}"
