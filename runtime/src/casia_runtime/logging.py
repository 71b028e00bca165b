"""Structured JSON logs with a correlation id that follows a case across services, and the
trace and span ids of the span a line was logged in (to find its trace).

Log with fixed event names and fields: ``log.info("case.opened", case_number=n)``.
The correlation id travels in every CloudEvent (``correlationid``); consumers bind it with
:func:`bound_correlation` so every line logged while handling a message carries it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

from casia_telemetry.tracing import add_trace_ids

Logger = structlog.stdlib.BoundLogger


def configure_logging(*, service: str, level: str = "INFO", json: bool = True) -> None:
    """Route structlog and the standard library (uvicorn, aiokafka, pymongo) to one stream."""
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        add_trace_ids,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # FastStream installs its own coloured handler on "faststream" and stops propagation there;
    # hand its records to the root handler so every line of the process is the same JSON.
    framework = logging.getLogger("faststream")
    framework.handlers.clear()
    framework.propagate = True
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str) -> Logger:
    logger: Logger = structlog.stdlib.get_logger(name)
    return logger


@contextmanager
def bound_correlation(correlation_id: str | None, **fields: str) -> Iterator[None]:
    """Bind the correlation id (and e.g. the case number) to every log line in this block."""
    with structlog.contextvars.bound_contextvars(correlation_id=correlation_id, **fields):
        yield
