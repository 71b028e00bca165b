"""The portal's day is the users' day: searches default to the month and day it is in Madrid."""

from __future__ import annotations

from datetime import UTC, date, datetime

from casia_portal.web.pages import Pages


def test_late_in_the_evening_utc_it_is_already_tomorrow_in_madrid() -> None:
    pages = Pages(timezone="Europe/Madrid")

    assert pages.today(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == date(2026, 12, 2)
    assert pages.today(datetime(2026, 12, 1, 22, 59, tzinfo=UTC)) == date(2026, 12, 1)
