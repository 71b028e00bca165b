"""What people may type, and Spain's calendar: case numbers' years and a search's month."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casia_intake.domain.calendar import MonthWindow, OutsideOneMonth, spanish_date, start_of_day
from casia_intake.domain.case_numbers import format_case_number, is_case_number, numbering_year
from casia_intake.domain.text import UnacceptableText, multi_line, single_line


@pytest.mark.parametrize(
    "character",
    [
        "\x00",
        "\x07",
        "\t",
        "\n",
        "\r",
        "\x85",
        "\u00ad",
        "\u200b",
        "\u200d",
        "\u200e",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\u2028",
        "\u2029",
        "\ufeff",
        "\ud800",
    ],
)
def test_a_single_line_refuses_controls_format_characters_and_separators(character: str) -> None:
    with pytest.raises(UnacceptableText, match=f"U\\+{ord(character):04X}, posición 3"):
        single_line(f"ab{character}cd")


def test_a_single_line_keeps_letters_accents_and_symbols_in_nfc() -> None:
    assert single_line("Nu\u0301n\u0303ez & Cía. — 50 % ✓") == "Núñez & Cía. — 50 % ✓"


def test_a_multi_line_text_keeps_lines_tabs_and_joiners_as_lf_and_nothing_else() -> None:
    assert multi_line("uno\r\ndos\rtres\n\tcuatro 👩\u200d💻") == "uno\ndos\ntres\n\tcuatro 👩\u200d💻"
    for character in ("\x00", "\x1b", "\u202e", "\u2067", "\u200b", "\ufeff", "\u2028"):
        with pytest.raises(UnacceptableText):
            multi_line(f"texto{character}")


@pytest.mark.parametrize(
    ("instant", "year"),
    [
        (datetime(2026, 12, 31, 22, 59, 59, tzinfo=UTC), 2026),  # 23:59:59 in Madrid (CET, +1)
        (datetime(2026, 12, 31, 23, 0, 0, tzinfo=UTC), 2027),  # midnight in Madrid: already 2027
        (datetime(2027, 6, 30, 21, 59, 59, tzinfo=UTC), 2027),
    ],
)
def test_the_numbering_year_is_spains_not_utcs(instant: datetime, year: int) -> None:
    assert numbering_year(instant) == year


def test_a_case_number_has_the_year_and_seven_digits() -> None:
    assert format_case_number(2027, 42) == "CAS-2027-0000042"
    assert is_case_number("CAS-2027-0000042")
    for text in ("CAS-2027-000042", "cas-2027-0000042", "CAS-2027-0000042 ", "CAS-" + "9" * 10_000, ""):
        assert not is_case_number(text)


# --- the search's calendar month ------------------------------------------------------------------


def test_without_dates_a_search_spans_the_current_month_in_spain() -> None:
    window = MonthWindow.of(None, None, today=date(2026, 2, 17))

    assert (window.first, window.last) == (date(2026, 2, 1), date(2026, 2, 28))
    assert window.instants() == (
        datetime(2026, 1, 31, 23, 0, tzinfo=UTC),  # 00:00 on 1 February in Madrid (CET)
        datetime(2026, 2, 28, 23, 0, tzinfo=UTC),  # 00:00 on 1 March
    )


def test_a_month_with_a_change_to_summer_time_ends_at_madrids_midnight() -> None:
    window = MonthWindow.of(date(2026, 3, 1), date(2026, 3, 31), today=date(2026, 3, 5))

    assert window.instants() == (
        datetime(2026, 2, 28, 23, 0, tzinfo=UTC),  # CET
        datetime(2026, 3, 31, 22, 0, tzinfo=UTC),  # 00:00 on 1 April is CEST (+2)
    )


def test_one_date_given_takes_the_rest_of_its_month() -> None:
    assert MonthWindow.of(date(2024, 2, 10), None, today=date(2026, 1, 1)) == MonthWindow(
        date(2024, 2, 10), date(2024, 2, 29)
    )
    assert MonthWindow.of(None, date(2026, 12, 20), today=date(2026, 1, 1)) == MonthWindow(
        date(2026, 12, 1), date(2026, 12, 20)
    )


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 1, 31), date(2026, 2, 1)),
        (date(2026, 3, 10), date(2026, 3, 9)),
        (date(2025, 3, 1), date(2026, 3, 1)),
    ],
)
def test_dates_outside_one_calendar_month_are_refused(first: date, last: date) -> None:
    with pytest.raises(OutsideOneMonth):
        MonthWindow.of(first, last, today=date(2026, 3, 5))


def test_the_day_in_spain_is_not_the_day_in_utc_around_midnight() -> None:
    assert spanish_date(datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == date(2026, 7, 1)  # 00:30 CEST
    assert start_of_day(date(2026, 10, 25)) == datetime(
        2026, 10, 24, 22, 0, tzinfo=UTC
    )  # clocks go back at 3
    assert start_of_day(date(2026, 10, 26)) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
