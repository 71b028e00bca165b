"""Loaded by pytest before any test package: settings that must come first."""

import pytest

# The shared contract suites assert inside the runtime's package; registering it before anything
# imports it lets pytest explain their failures like any test's.
pytest.register_assert_rewrite("casia_runtime.testing")
