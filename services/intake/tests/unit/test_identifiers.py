"""Spanish identifiers and data formats: hand-worked examples, wrong ones, round-trip properties.

The oracles below re-implement each rule from its definition, independently of the code under test.
NIF, NIE and CIF are in test_nif.py; periods, dates, references and authorization numbers in
test_data_formats.py.
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
