"""Loaded by pytest before any test package: settings that must come first."""

import pytest

# The shared contract suites assert inside the runtime's package; registering it before anything
# imports it lets pytest explain their failures like any test's.
pytest.register_assert_rewrite("casia_runtime.testing")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The chaos suite runs last: it kills and restarts the stack's pieces, and whatever it
    leaves behind (a slow broker after its restart, say) should not fall on other tests."""
    items.sort(key=lambda item: "/tests/chaos/" in str(item.path))
