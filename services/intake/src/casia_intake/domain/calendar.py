"""The calendar of the service: Spain's (Europe/Madrid), for every rule that counts years, months
or days — the year of a case number, the month a search may span. Instants are stored and
exchanged in UTC; these turn them into Spanish dates and back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

SPAIN: Final = ZoneInfo("Europe/Madrid")


def spanish_date(at: datetime) -> date:
    """The date in Spain at the instant ``at`` (timezone-aware)."""
    return at.astimezone(SPAIN).date()


def start_of_day(day: date) -> datetime:
    """00:00 of ``day`` in Spain, as a UTC instant (midnight always exists there: clocks change
    at 2 and 3 o'clock)."""
    return datetime(day.year, day.month, day.day, tzinfo=SPAIN).astimezone(UTC)


class OutsideOneMonth(ValueError):
    """A date range that does not lie within one calendar month (the guide's search rule)."""


@dataclass(frozen=True, slots=True)
class MonthWindow:
    """Dates from ``first`` to ``last`` (both included) within one calendar month, in Spain.

    The guide (4.2, Opción 2) lets a search span at most one calendar month, the current one by
    default.
    """

    first: date
    last: date

    @classmethod
    def of(cls, first: date | None, last: date | None, *, today: date) -> MonthWindow:
        """The window the person asked for: both dates, one of them (the rest of its month), or
        neither (the current month). Raises :class:`OutsideOneMonth` for dates in different months
        or in the wrong order."""
        anchor = first or last or today
        first = first or anchor.replace(day=1)
        last = last or _last_day_of_month(anchor)
        if first > last:
            raise OutsideOneMonth("La fecha «Desde» es posterior a la fecha «Hasta».")
        if (first.year, first.month) != (last.year, last.month):
            raise OutsideOneMonth("Las fechas «Desde» y «Hasta» deben estar dentro de un mismo mes natural.")
        return cls(first, last)

    def instants(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: from 00:00 of the first day to 00:00 after the last, in Spain."""
        return start_of_day(self.first), start_of_day(self.last + timedelta(days=1))


def _last_day_of_month(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)
