"""The gateway process as an operator starts it: what it refuses, and what it says at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

GATEWAY = str(Path(sys.executable).parent / "casia-intake")


def environment(**overrides: str) -> dict[str, str]:
    """The caller's environment without any CASIA_AUTH_* setting, plus ``overrides``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CASIA_AUTH_")}
    return {**env, "CASIA_HTTP_PORT": "1", **overrides}  # never serves: it must stop before


def test_a_gateway_without_an_authentication_mode_refuses_to_start() -> None:
    started = subprocess.run(
        [GATEWAY], env=environment(), capture_output=True, text=True, timeout=60, check=False
    )

    assert started.returncode == 2
    assert "refusing to start" in started.stderr
    assert "CASIA_AUTH_MODE is not set" in started.stderr


def test_a_gateway_in_dev_mode_with_a_short_secret_refuses_to_start() -> None:
    env = environment(CASIA_AUTH_MODE="dev", CASIA_AUTH_DEV_SECRET="too-short")

    started = subprocess.run([GATEWAY], env=env, capture_output=True, text=True, timeout=60, check=False)

    assert started.returncode == 2
    assert "CASIA_AUTH_DEV_SECRET of at least 32 bytes" in started.stderr
