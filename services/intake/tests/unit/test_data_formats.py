"""Data formats of the catalog's additional data: periods, dates, references and authorization
numbers; hand-worked examples, wrong ones, round-trip properties. (Social Security numbers are in
test_identifiers.py, NIF, NIE and CIF in test_nif.py.)"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casia_intake.domain.identifiers import (
    InvalidIdentifier,
    validate_authorization_number,
    validate_date,
    validate_period,
    validate_reference,
)

# --- period --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2025-01", "2025-01"), ("01/2025", "2025-01"), (" 12/1990 ", "1990-12"), ("210012", "2100-12")],
)
def test_period_accepts_its_formats_and_normalizes(raw: str, expected: str) -> None:
    assert validate_period(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("2025-13", "mes"),
        ("00/2025", "mes"),
        ("1989-12", "año"),
        ("2101-01", "año"),
        ("2025-1", "formato"),
        ("2025/01", "formato"),
        ("enero 2025", "formato"),
        ("", "formato"),
    ],
)
def test_period_rejects_bad_months_years_and_formats(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier, match=fragment) as refused:
        validate_period(raw)
    assert refused.value.field == "period"


@given(st.integers(1990, 2100), st.integers(1, 12))
def test_period_round_trip(year: int, month: int) -> None:
    expected = f"{year}-{month:02d}"
    assert validate_period(expected) == expected
    assert validate_period(f"{month:02d}/{year}") == expected


# --- date ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-01-31", "2025-01-31"),
        ("31/01/2025", "2025-01-31"),
        (" 29-02-2024 ", "2024-02-29"),  # a leap day
        ("1900-01-01", "1900-01-01"),
    ],
)
def test_date_accepts_iso_and_spanish_order_and_normalizes(raw: str, expected: str) -> None:
    assert validate_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("2025-02-29", "no existe"),
        ("31/04/2025", "no existe"),
        ("2025-13-01", "no existe"),
        ("1899-12-31", "año"),
        ("2101-01-01", "año"),
        ("2025/01/31", "formato"),
        ("1/2/2025", "formato"),
        ("31 de enero", "formato"),
        ("", "formato"),
    ],
)
def test_date_rejects_impossible_days_years_and_formats(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier, match=fragment) as refused:
        validate_date(raw)
    assert refused.value.field == "date"


# --- reference -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("28/2025/000123", "28/2025/000123"),
        ("  RED_2025  03.AFI ", "RED_2025 03.AFI"),
        ("a-1", "a-1"),
        ("1" * 40, "1" * 40),
    ],
)
def test_reference_is_trimmed_with_single_spaces_and_keeps_its_case(raw: str, expected: str) -> None:
    assert validate_reference(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "   ", "sin número", "1" * 41, "-123", "12;34", "28/2025/ñ1", "exp\u00b712"]
)
def test_reference_rejects_text_without_digits_long_or_odd_characters(raw: str) -> None:
    with pytest.raises(InvalidIdentifier, match="referencia") as refused:
        validate_reference(raw, field="file_number")
    assert refused.value.field == "file_number"


# --- authorization number ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", "1"), ("0012345", "0012345"), (" 1234567890 ", "1234567890")]
)
def test_authorization_number_accepts_one_to_ten_digits(raw: str, expected: str) -> None:
    assert validate_authorization_number(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345678901", "12A45", "-1"])
def test_authorization_number_rejects_other_text(raw: str) -> None:
    with pytest.raises(InvalidIdentifier, match="autorización") as refused:
        validate_authorization_number(raw)
    assert refused.value.field == "authorization_number"
