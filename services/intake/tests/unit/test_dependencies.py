"""Every route and every dependency of it is a coroutine: FastAPI runs any other callable (a
plain function, a class) in its thread pool, a hop between threads on every request."""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from casia_intake.app import create_app

from ..serving import settings_for


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every API route, through the routers included in others."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (router := getattr(route, "original_router", None)) is not None:  # an included router
            yield from api_routes(router.routes)


def dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from dependencies(dependency)


def runs_on_the_loop(call: object) -> bool:
    """A coroutine function, or an instance whose ``__call__`` is one (FastAPI's security schemes)."""
    return inspect.iscoroutinefunction(call) or (
        not inspect.isclass(call) and inspect.iscoroutinefunction(type(call).__call__)
    )


def test_no_route_and_no_dependency_of_one_runs_in_the_thread_pool() -> None:
    routes = list(api_routes(create_app(settings_for()).routes))
    assert len(routes) > 20

    in_threads = {
        f"{route.path} -> {getattr(dependency.call, '__qualname__', dependency.call)}"
        for route in routes
        for dependency in dependencies(route.dependant)
        if dependency.call is not None and not runs_on_the_loop(dependency.call)
    } | {route.path for route in routes if not runs_on_the_loop(route.endpoint)}

    assert in_threads == set()
