"""Which routes of a FastAPI app, or dependencies of them, run in its thread pool.

FastAPI runs any route or dependency that is not a coroutine function (a plain function, a
class) in its thread pool: a hop between threads on every request. A service keeps them all on
the event loop, and a test of its own holds it there with :func:`off_the_loop`.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.routing import BaseRoute


def off_the_loop(app: Starlette) -> set[str]:
    """Every route path, and ``path -> dependency``, that FastAPI would run in its thread pool."""
    routes = list(_api_routes(app.routes))
    dependencies = {
        f"{route.path} -> {getattr(dependency.call, '__qualname__', dependency.call)}"
        for route in routes
        for dependency in _dependencies(route.dependant)
        if dependency.call is not None and not _on_the_loop(dependency.call)
    }
    return dependencies | {route.path for route in routes if not _on_the_loop(route.endpoint)}


def api_route_count(app: Starlette) -> int:
    """How many API routes the walk finds (so a test can tell it walked the app at all)."""
    return sum(1 for _ in _api_routes(app.routes))


def _api_routes(routes: Sequence[BaseRoute]) -> Iterator[Any]:
    """Every FastAPI route (one with a ``dependant``), through the routers included in others."""
    for route in routes:
        if hasattr(route, "dependant"):
            yield route
        elif (router := getattr(route, "original_router", None)) is not None:  # an included router
            yield from _api_routes(router.routes)


def _dependencies(dependant: Any) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependencies(dependency)


def _on_the_loop(call: object) -> bool:
    """A coroutine function, or an instance whose ``__call__`` is one (FastAPI's security schemes)."""
    return inspect.iscoroutinefunction(call) or (
        not inspect.isclass(call) and inspect.iscoroutinefunction(type(call).__call__)
    )
