"""Every page and every dependency of it is a coroutine: FastAPI runs any other callable (a plain
function, a class) in its thread pool, a hop between threads on every request."""

from __future__ import annotations

from pydantic import SecretStr

from casia_portal.app import create_app
from casia_portal.settings import PortalSettings
from casia_runtime.testing.routes import api_route_count, off_the_loop


def test_no_page_and_no_dependency_of_one_runs_in_the_thread_pool() -> None:
    settings = PortalSettings(auth_mode="dev", session_secret=SecretStr("s" * 40), secure_cookies=False)
    app = create_app(settings)

    assert api_route_count(app) > 20
    assert off_the_loop(app) == set()
