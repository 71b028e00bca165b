"""The system clock as the services use it; the domain never reads it (time comes in as an argument)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def to_milliseconds(moment: datetime) -> datetime:
    """The same instant cut to millisecond precision: what MongoDB stores."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def utc_now_ms() -> datetime:
    """UTC now at millisecond precision, so a stored document round-trips exactly."""
    return to_milliseconds(datetime.now(UTC))
