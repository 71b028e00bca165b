"""Case numbers: ``CAS-<year>-<7 digits>``, a sequence per calendar year in Spain.

The year is Spain's (Europe/Madrid), not UTC's: a case opened in the first hour of 1 January,
Madrid time, belongs to the new year although it is still 31 December in UTC.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from casia_intake.domain.calendar import spanish_date

SEQUENCE_DIGITS: Final = 7
_CASE_NUMBER: Final = re.compile(rf"CAS-[0-9]{{4}}-[0-9]{{{SEQUENCE_DIGITS}}}")


def numbering_year(at: datetime) -> int:
    """The calendar year in Spain at the instant ``at`` (timezone-aware)."""
    return spanish_date(at).year


def format_case_number(year: int, sequence: int) -> str:
    """The number of the ``sequence``-th case of ``year`` (from 1)."""
    return f"CAS-{year}-{sequence:0{SEQUENCE_DIGITS}d}"


def is_case_number(text: str) -> bool:
    """Whether ``text`` has the form of a case number (whether it exists is another matter)."""
    return _CASE_NUMBER.fullmatch(text) is not None
