"""Loaded by pytest before any test package: settings that must come first."""

import pytest
import structlog

# The shared contract suites assert inside the runtime's package; registering it before anything
# imports it lets pytest explain their failures like any test's.
pytest.register_assert_rewrite("casia_runtime.testing")

# Code under test that runs in pytest's own process logs through structlog's default console
# renderer, whose rich tracebacks (locals, syntax highlighting) take seconds per exception on
# these cores: long enough to block an event loop past a server's keep-alive timeout and close a
# client's connection. Tracebacks stay, as plain text.
structlog.configure(
    processors=[
        *structlog.get_config()["processors"][:-1],
        structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback),
    ]
)


LAST = ("/tests/scale/", "/tests/chaos/")
"""Run last, in this order: the scale-out test (a backlog of 20,000 commands) and the chaos suite
(it kills and restarts the stack's pieces). Whatever they leave behind (a backlog still being
mailed, a broker slow after its restart) should not fall on other tests."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next((i + 1 for i, folder in enumerate(LAST) if folder in str(item.path)), 0)

    items.sort(key=rank)
