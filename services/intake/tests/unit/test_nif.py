"""NIF, NIE and CIF: checked by python-stdnum (`stdnum.es.nif`) behind our `validate_nif`.

Hand-worked examples, wrong ones, properties against oracles that re-implement each rule from its
definition, and the one place we are stricter than stdnum (the form of an entity's control).
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.es import nif as stdnum_nif

from casia_intake.domain.identifiers import InvalidIdentifier, validate_nif

LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


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
        ("l1234567l", "L1234567L"),  # special personal NIFs in lower case
        ("m-1234567-l", "M1234567L"),
        ("b 12 345 674", "B12345674"),  # an entity NIF in lower case with spaces
        ("12345678\u2013Z", "12345678Z"),  # an en dash, as word processors type it
        ("12\u00a0345\u00a0678\u00a0Z", "12345678Z"),  # non-breaking spaces
        ("x.1234567.l", "X1234567L"),
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
        "ESB12345674",  # the VAT form (NIF-IVA) is not a NIF
        "123456789",  # a DNI ends with a letter
        "K12345678",  # so does a K/L/M NIF
        "X12345678",  # and a NIE
        "O1234567A",  # O is no entity letter
        "B1234567",  # an entity NIF without its control
        "Z 1234567 A",  # separators do not hide a wrong letter
    ],
)
def test_nif_rejects_wrong_letters_controls_and_lengths(raw: str) -> None:
    with pytest.raises(InvalidIdentifier) as refused:
        validate_nif(raw)
    assert refused.value.field == "nif"
    assert "NIF" in refused.value.message_es


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("12345678A", "La letra de control del NIF no es correcta."),
        ("y1234567a", "La letra de control del NIF no es correcta."),
        ("M1234567A", "La letra de control del NIF no es correcta."),
        ("B12345675", "El carácter de control del NIF de la entidad no es correcto."),
        ("A5881850A", "El carácter de control del NIF de la entidad no es correcto."),
        ("123456789", "El NIF no tiene un formato válido"),
    ],
)
def test_nif_says_which_rule_failed(raw: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier) as refused:
        validate_nif(raw)
    assert refused.value.message_es.startswith(message)


@pytest.mark.parametrize("raw", ["12345678Z", "X1234567L", "K1234567L", "B12345674", "Q2826000H"])
def test_nif_gives_what_stdnum_gives_for_valid_numbers(raw: str) -> None:
    assert validate_nif(raw.lower()) == stdnum_nif.validate(raw)


@given(st.sampled_from("ABEHNPQRSW"), st.integers(0, 9_999_999), st.sampled_from(["digit", "letter"]))
def test_nif_is_stricter_than_stdnum_only_on_the_form_of_the_entity_control(
    entity: str, number: int, form: str
) -> None:
    digits = f"{number:07d}"
    control = cif_control(digits)
    nif = f"{entity}{digits}{control if form == 'digit' else 'JABCDEFGHI'[control]}"
    assert stdnum_nif.is_valid(nif)
    allowed = form == "letter" if entity in "NPQRSW" else form == "digit"
    if allowed:
        assert validate_nif(nif) == nif
    else:
        with pytest.raises(InvalidIdentifier, match="entidad"):
            validate_nif(nif)


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
