"""Spanish identifiers and data formats: hand-worked examples, wrong ones, round-trip properties.

The oracles below re-implement each rule from its definition, independently of the code under test.
NIF, NIE and CIF are in test_nif.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from casia_intake.domain.identifiers import (
    InvalidIdentifier,
    validate_authorization_number,
    validate_ccc,
    validate_date,
    validate_naf,
    validate_nif,
    validate_period,
    validate_reference,
)

PROVINCES = [*range(1, 54), 66]


def ccc_of(province: int, number: int) -> str:
    control = int(f"{province:02d}{number:07d}") % 97
    return f"{province:02d}{number:07d}{control:02d}"


def naf_of(province: int, number: int) -> str:
    if number < 10_000_000:
        control = (province * 10_000_000 + number) % 97
    else:
        control = int(f"{province:02d}{number:08d}") % 97
    return f"{province:02d}{number:08d}{control:02d}"


def change_one_digit(text: str, position: int, delta: int) -> str:
    digit = (int(text[position]) + delta) % 10
    return f"{text[:position]}{digit}{text[position + 1 :]}"


# --- CCC -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "28123456742",  # 281234567 = 97 * 2899325 + 42
        "28/1234567/42",
        "28 1234567 42",
        "28-1234567-42",
    ],
)
def test_ccc_accepts_separators_and_normalizes_to_eleven_digits(raw: str) -> None:
    assert validate_ccc(raw) == "28123456742"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("28123456743", "control"),
        ("2812345674", "11 cifras"),
        ("281234567420", "11 cifras"),
        ("28A23456742", "11 cifras"),
        (ccc_of(0, 1234567), "provincia"),
        (ccc_of(54, 1234567), "provincia"),
    ],
)
def test_ccc_rejects_wrong_controls_lengths_and_provinces(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier, match=fragment) as refused:
        validate_ccc(raw)
    assert refused.value.field == "ccc"


def test_ccc_accepts_province_66() -> None:
    assert validate_ccc(ccc_of(66, 7)) == ccc_of(66, 7)


@given(st.sampled_from(PROVINCES), st.integers(0, 9_999_999))
def test_ccc_round_trip(province: int, number: int) -> None:
    ccc = ccc_of(province, number)
    assert validate_ccc(f"{ccc[:2]}/{ccc[2:9]}/{ccc[9:]}") == ccc


@given(st.sampled_from(PROVINCES), st.integers(0, 9_999_999), st.integers(0, 10), st.integers(1, 9))
def test_ccc_rejects_any_single_digit_change(province: int, number: int, position: int, delta: int) -> None:
    # A one-digit change moves the 9-digit base by d * 10^k (or the control by d * 10^k), never a
    # multiple of 97, so the control can no longer match.
    changed = change_one_digit(ccc_of(province, number), position, delta)
    with pytest.raises(InvalidIdentifier):
        validate_ccc(changed)


# --- NAF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("281234567840", "281234567840"),  # number >= 10^7: 2812345678 = 97 * 28993254 + 40
        ("28/12345678/40", "281234567840"),
        ("080123456774", "080123456774"),  # number < 10^7: 8 * 10^7 + 1234567 = 97 * 837469 + 74
        ("08 01234567 74", "080123456774"),
    ],
)
def test_naf_accepts_both_control_rules(raw: str, expected: str) -> None:
    assert validate_naf(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("080123456717", "control"),  # 0801234567 % 97 = 17: the rule for large numbers, misapplied
        ("281234567841", "control"),
        ("28123456784", "12 cifras"),
        ("2812345678400", "12 cifras"),
        (naf_of(60, 12345678), "provincia"),
    ],
)
def test_naf_rejects_wrong_controls_lengths_and_provinces(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier, match=fragment) as refused:
        validate_naf(raw)
    assert refused.value.field == "naf"


@given(st.sampled_from(PROVINCES), st.integers(0, 99_999_999))
def test_naf_round_trip(province: int, number: int) -> None:
    naf = naf_of(province, number)
    assert validate_naf(f"{naf[:2]} {naf[2:10]} {naf[10:]}") == naf


@given(st.sampled_from(PROVINCES), st.integers(0, 99_999_999), st.integers(0, 11), st.integers(1, 9))
def test_naf_rejects_single_digit_changes_within_one_rule(
    province: int, number: int, position: int, delta: int
) -> None:
    naf = naf_of(province, number)
    changed = change_one_digit(naf, position, delta)
    # Across the 10^7 threshold the two rules differ and may agree by chance; within one rule the
    # base moves by d * 10^k, never a multiple of 97.
    assume((int(changed[2:10]) < 10_000_000) == (number < 10_000_000))
    with pytest.raises(InvalidIdentifier):
        validate_naf(changed)


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


# --- messages are safe to log --------------------------------------------------------------------

VALIDATORS: dict[str, Callable[[str], str]] = {
    "nif": validate_nif,
    "ccc": validate_ccc,
    "naf": validate_naf,
    "period": validate_period,
    "date": validate_date,
    "reference": validate_reference,
    "authorization": validate_authorization_number,
}


@pytest.mark.parametrize(
    ("validator", "raw"),
    [
        ("nif", "98765432A"),
        ("nif", "X7654321Q"),
        ("nif", "B7654321X"),
        ("ccc", "47/7654321/00"),
        ("naf", "477654321000"),
        ("period", "2025-77"),
        ("date", "2025-02-31"),
        ("date", "31/02/2025"),
        ("reference", "secreto;987654"),
        ("authorization", "98765432101"),
    ],
)
def test_no_message_repeats_the_value(validator: str, raw: str) -> None:
    with pytest.raises(InvalidIdentifier) as refused:
        VALIDATORS[validator](raw)
    text = f"{refused.value} {refused.value.message_es} {refused.value.args}"
    compact = "".join(c for c in raw if c.isalnum())
    assert raw not in text
    assert compact not in text.replace(" ", "")
    assert refused.value.__cause__ is None


@given(st.sampled_from(sorted(VALIDATORS)), st.text(alphabet="0123456789XYZBQ/-. ", min_size=6, max_size=14))
def test_no_message_repeats_any_value(validator: str, raw: str) -> None:
    try:
        VALIDATORS[validator](raw)
    except InvalidIdentifier as refused:
        compact = "".join(c for c in raw if c.isalnum())
        assume(len(compact) >= 6)  # shorter runs may occur in the fixed text ("2025" in an example)
        assert compact not in refused.message_es.replace(" ", "")


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
