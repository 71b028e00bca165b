"""The system clock as the services use it; the domain never reads it (time comes in as an argument)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now_ms() -> datetime:
    """UTC now at millisecond precision: what MongoDB stores, so a document round-trips exactly."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
