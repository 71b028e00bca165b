"""Every route and every dependency of it is a coroutine: FastAPI runs any other callable (a
plain function, a class) in its thread pool, a hop between threads on every request."""

from __future__ import annotations

from casia_intake.app import create_app
from casia_runtime.testing.routes import api_route_count, off_the_loop

from ..serving import settings_for


def test_no_route_and_no_dependency_of_one_runs_in_the_thread_pool() -> None:
    app = create_app(settings_for())

    assert api_route_count(app) > 20
    assert off_the_loop(app) == set()
