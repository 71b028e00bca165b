"""Spanish identifiers: hand-worked examples, wrong ones, and round-trip properties.

The oracles below re-implement each rule from its definition, independently of the code under test.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from casia_intake.domain.identifiers import (
    InvalidIdentifier,
    validate_authorization_number,
    validate_ccc,
    validate_naf,
    validate_nif,
    validate_period,
)

LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
PROVINCES = [*range(1, 54), 66]


def dni_letter(number: int) -> str:
    return LETTERS[number % 23]


def cif_control(digits: str) -> int:
    """Positions 1..7: odd ones doubled and their digits added, even ones added as they are."""
    total = 0
    for position, char in enumerate(digits, start=1):
        value = int(char)
        if position % 2 == 1:
            doubled = 2 * value
            total += doubled // 10 + doubled % 10
        else:
            total += value
    return (10 - total % 10) % 10


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


# --- NIF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12345678Z", "12345678Z"),  # 12345678 = 23 * 536768 + 14 -> letter 14 = Z
        ("12345678-z", "12345678Z"),
        (" 12.345.678 z ", "12345678Z"),
        ("00000000T", "00000000T"),  # 0 % 23 = 0 -> T
        ("X1234567L", "X1234567L"),  # X -> 0: 01234567 = 23 * 53676 + 19 -> L
        ("y1234567x", "Y1234567X"),  # Y -> 1: 11234567 = 23 * 488459 + 10 -> X
        ("Z-1234567-R", "Z1234567R"),  # Z -> 2: 21234567 = 23 * 923242 + 1 -> R
        ("K1234567L", "K1234567L"),  # K/L/M: the DNI table on the 7 digits, as the NIE with X
        ("A58818501", "A58818501"),  # 5,8,8,0 doubled -> 1+7+7+0=15; 8+1+5=14; 29 -> 1
        ("B12345674", "B12345674"),  # 1,3,5,7 doubled -> 2+6+1+5=14; 2+4+6=12; 26 -> 4
        ("P1234567D", "P1234567D"),  # same digits, letter form: "JABCDEFGHI"[4] = D
        ("Q2826000H", "Q2826000H"),  # 2,2,0,0 doubled -> 8; 8+6+0=14; 22 -> 8 -> H
        ("G12345674", "G12345674"),  # G accepts the digit ...
        ("G1234567D", "G1234567D"),  # ... and the letter
    ],
)
def test_nif_accepts_valid_dni_nie_and_entity_numbers(raw: str, expected: str) -> None:
    assert validate_nif(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "12345678A",  # wrong letter
        "X1234567A",  # wrong letter
        "K1234567A",  # wrong letter
        "A58818502",  # wrong control digit
        "A5881850A",  # A requires the digit form
        "B1234567D",  # B requires the digit form
        "P12345674",  # P requires the letter form
        "Q2826000A",  # wrong control letter
        "1234567Z",  # too short
        "123456789Z",  # too long
        "I1234567A",  # I is not an entity letter
        "12345678",  # no letter
        "",
        "١٢٣٤٥٦٧٨Z",  # non-ASCII digits
    ],
)
def test_nif_rejects_wrong_letters_controls_and_lengths(raw: str) -> None:
    with pytest.raises(InvalidIdentifier) as refused:
        validate_nif(raw)
    assert refused.value.field == "nif"
    assert "NIF" in refused.value.message_es


def test_invalid_identifier_carries_the_field_given_and_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="letra de control") as refused:
        validate_nif("12345678A", field="holder_nif")
    assert isinstance(refused.value, InvalidIdentifier)
    assert refused.value.field == "holder_nif"


@given(st.integers(0, 99_999_999))
def test_nif_accepts_every_dni_with_its_letter(number: int) -> None:
    dni = f"{number:08d}{dni_letter(number)}"
    assert validate_nif(dni.lower()) == dni


@given(st.integers(0, 99_999_999), st.sampled_from(LETTERS))
def test_nif_rejects_every_other_letter(number: int, letter: str) -> None:
    assume(letter != dni_letter(number))
    with pytest.raises(InvalidIdentifier):
        validate_nif(f"{number:08d}{letter}")


@given(st.sampled_from("XYZ"), st.integers(0, 9_999_999))
def test_nif_accepts_every_nie_with_its_letter(prefix: str, number: int) -> None:
    nie = f"{prefix}{number:07d}{dni_letter(int('XYZ'.index(prefix)) * 10_000_000 + number)}"
    assert validate_nif(nie) == nie


@given(st.sampled_from("ABCDEFGHJNPQRSUVW"), st.integers(0, 9_999_999))
def test_nif_accepts_entity_numbers_in_their_allowed_forms(entity: str, number: int) -> None:
    digits = f"{number:07d}"
    control = cif_control(digits)
    as_digit, as_letter = f"{entity}{digits}{control}", f"{entity}{digits}{'JABCDEFGHI'[control]}"
    if entity in "NPQRSW":
        assert validate_nif(as_letter) == as_letter
        with pytest.raises(InvalidIdentifier):
            validate_nif(as_digit)
    elif entity in "ABEH":
        assert validate_nif(as_digit) == as_digit
        with pytest.raises(InvalidIdentifier):
            validate_nif(as_letter)
    else:
        assert validate_nif(as_digit) == as_digit
        assert validate_nif(as_letter) == as_letter


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
