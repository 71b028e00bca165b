"""A clock the test sets and moves by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


@dataclass
class ManualClock:
    """The Clock port with time the test controls; it starts at a whole second, so it stays at
    millisecond precision (like MongoDB) as long as it is advanced by whole milliseconds."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 30, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta
