"""Spanish identifiers used in Social Security filings, checked with their control characters.

Every validator takes the text a person typed, normalizes it (upper case, no separators) and returns
the canonical form, or raises `InvalidIdentifier` with the field name and a Spanish message for
people. The messages never repeat the value, so they are safe to log.

Decisions:
- NIF: DNI (8 digits + letter), NIE (X/Y/Z + 7 digits + letter), the special personal NIFs
  K/L/M + 7 digits + letter (same letter table as the DNI, on the 7 digits), and the NIF of legal
  entities (CIF: letter + 7 digits + control digit or letter). Spaces, hyphens and dots are ignored.
- CCC (código cuenta de cotización): 2 province + 7 number + 2 control digits, control =
  int(first 9 digits) % 97. The 4-digit regime prefix is not part of it. Spaces, slashes, hyphens
  and dots are ignored ("28/1234567/89" -> "28123456789").
- NAF (número de afiliación): 2 province + 8 number + 2 control digits (separators as for CCC).
- Province codes: 01-53 and 66, the codes the TGSS uses in CCC and NAF numbers.
- Period (periodo de liquidación): "YYYY-MM", "MM/YYYY" or "YYYYMM", normalized to "YYYY-MM";
  years 1990-2100.
- Authorization number (número de autorización RED): 1 to 10 digits, kept as given (leading zeros
  are significant); surrounding and inner spaces are ignored.
"""

from __future__ import annotations

import re
from typing import Final

DNI_LETTERS: Final = "TRWAGMYFPDXBNJZSQVHLCKE"
NIE_PREFIX_DIGITS: Final = {"X": "0", "Y": "1", "Z": "2"}
SPECIAL_NIF_PREFIXES: Final = "KLM"
CIF_ENTITY_LETTERS: Final = "ABCDEFGHJNPQRSUVW"
CIF_LETTER_CONTROL_ENTITIES: Final = "NPQRSW"
CIF_DIGIT_CONTROL_ENTITIES: Final = "ABEH"
CIF_CONTROL_LETTERS: Final = "JABCDEFGHI"
PROVINCE_CODES: Final = frozenset({*range(1, 54), 66})
FIRST_PERIOD_YEAR: Final = 1990
LAST_PERIOD_YEAR: Final = 2100
AUTHORIZATION_MAX_DIGITS: Final = 10

_NIF_SEPARATORS: Final = re.compile(r"[\s\-.]")
_NUMBER_SEPARATORS: Final = re.compile(r"[\s\-./]")
_DNI: Final = re.compile(r"[0-9]{8}[A-Z]")
_PREFIXED_NIF: Final = re.compile(r"[A-Z][0-9]{7}[A-Z0-9]")
_CCC: Final = re.compile(r"[0-9]{11}")
_NAF: Final = re.compile(r"[0-9]{12}")
_PERIOD_FORMATS: Final = (
    re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})"),
    re.compile(r"(?P<month>[0-9]{2})/(?P<year>[0-9]{4})"),
    re.compile(r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})"),
)
_AUTHORIZATION: Final = re.compile(rf"[0-9]{{1,{AUTHORIZATION_MAX_DIGITS}}}")

_NIF_FORMAT_ES: Final = (
    "El NIF no tiene un formato válido: se esperan 8 cifras y una letra (DNI), X, Y o Z seguida de "
    "7 cifras y una letra (NIE), o una letra, 7 cifras y un carácter de control (empresas)."
)
_NIF_LETTER_ES: Final = "La letra de control del NIF no es correcta."


class InvalidIdentifier(ValueError):
    """An identifier failed its format or check-digit rule; `message_es` is for people."""

    def __init__(self, field: str, message_es: str) -> None:
        super().__init__(message_es)
        self.field = field
        self.message_es = message_es


def validate_nif(value: str, *, field: str = "nif") -> str:
    """Return the canonical NIF (DNI, NIE, K/L/M or legal entity), or raise InvalidIdentifier."""
    nif = _NIF_SEPARATORS.sub("", value).upper()
    if _DNI.fullmatch(nif):
        return _check_personal_letter(nif, int(nif[:8]), field=field)
    if not _PREFIXED_NIF.fullmatch(nif):
        raise InvalidIdentifier(field, _NIF_FORMAT_ES)
    prefix = nif[0]
    if prefix in NIE_PREFIX_DIGITS:
        return _check_personal_letter(nif, int(NIE_PREFIX_DIGITS[prefix] + nif[1:8]), field=field)
    if prefix in SPECIAL_NIF_PREFIXES:
        return _check_personal_letter(nif, int(nif[1:8]), field=field)
    if prefix in CIF_ENTITY_LETTERS:
        return _check_entity_control(nif, field=field)
    raise InvalidIdentifier(field, _NIF_FORMAT_ES)


def validate_ccc(value: str, *, field: str = "ccc") -> str:
    """Return the 11-digit código cuenta de cotización, or raise InvalidIdentifier."""
    ccc = _NUMBER_SEPARATORS.sub("", value)
    if not _CCC.fullmatch(ccc):
        raise InvalidIdentifier(
            field,
            "El código de cuenta de cotización debe tener 11 cifras: provincia (2), número (7) "
            "y dígitos de control (2).",
        )
    _check_province(ccc, field=field, what="del código de cuenta de cotización")
    if int(ccc[:9]) % 97 != int(ccc[9:]):
        raise InvalidIdentifier(
            field, "Los dígitos de control del código de cuenta de cotización no son correctos."
        )
    return ccc


def validate_naf(value: str, *, field: str = "naf") -> str:
    """Return the 12-digit número de afiliación, or raise InvalidIdentifier."""
    naf = _NUMBER_SEPARATORS.sub("", value)
    if not _NAF.fullmatch(naf):
        raise InvalidIdentifier(
            field,
            "El número de afiliación debe tener 12 cifras: provincia (2), número (8) "
            "y dígitos de control (2).",
        )
    _check_province(naf, field=field, what="del número de afiliación")
    if naf_control(int(naf[:2]), int(naf[2:10])) != int(naf[10:]):
        raise InvalidIdentifier(field, "Los dígitos de control del número de afiliación no son correctos.")
    return naf


def validate_period(value: str, *, field: str = "period") -> str:
    """Return the liquidation period as "YYYY-MM", or raise InvalidIdentifier."""
    text = value.strip()
    match = next((m for m in (p.fullmatch(text) for p in _PERIOD_FORMATS) if m), None)
    if match is None:
        raise InvalidIdentifier(
            field, "El periodo de liquidación debe tener el formato AAAA-MM (por ejemplo, 2025-01)."
        )
    year, month = int(match["year"]), int(match["month"])
    if not 1 <= month <= 12:
        raise InvalidIdentifier(field, "El mes del periodo de liquidación debe estar entre 01 y 12.")
    if not FIRST_PERIOD_YEAR <= year <= LAST_PERIOD_YEAR:
        raise InvalidIdentifier(
            field,
            f"El año del periodo de liquidación debe estar entre {FIRST_PERIOD_YEAR} y {LAST_PERIOD_YEAR}.",
        )
    return f"{year:04d}-{month:02d}"


def validate_authorization_number(value: str, *, field: str = "authorization_number") -> str:
    """Return the número de autorización RED (1 to 10 digits, leading zeros kept)."""
    number = re.sub(r"\s", "", value)
    if not _AUTHORIZATION.fullmatch(number):
        raise InvalidIdentifier(
            field,
            f"El número de autorización RED debe tener entre 1 y {AUTHORIZATION_MAX_DIGITS} cifras.",
        )
    return number


def naf_control(province: int, number: int) -> int:
    """The two control digits of a NAF (as an int), from its province and 8-digit number."""
    base = province * 10_000_000 + number if number < 10_000_000 else int(f"{province:02d}{number:08d}")
    return base % 97


def _check_personal_letter(nif: str, number: int, *, field: str) -> str:
    if DNI_LETTERS[number % 23] != nif[-1]:
        raise InvalidIdentifier(field, _NIF_LETTER_ES)
    return nif


def _check_entity_control(nif: str, *, field: str) -> str:
    entity, digits, control = nif[0], nif[1:8], nif[8]
    expected = _entity_control_digit(digits)
    if entity in CIF_LETTER_CONTROL_ENTITIES:
        accepted = {CIF_CONTROL_LETTERS[expected]}
    elif entity in CIF_DIGIT_CONTROL_ENTITIES:
        accepted = {str(expected)}
    else:
        accepted = {str(expected), CIF_CONTROL_LETTERS[expected]}
    if control not in accepted:
        raise InvalidIdentifier(field, "El carácter de control del NIF de la entidad no es correcto.")
    return nif


def _entity_control_digit(digits: str) -> int:
    """Standard CIF rule: even positions add up; odd positions are doubled and their digits added."""
    even = sum(int(d) for d in digits[1::2])
    odd = sum(sum(divmod(2 * int(d), 10)) for d in digits[::2])
    return (10 - (even + odd) % 10) % 10


def _check_province(number: str, *, field: str, what: str) -> None:
    if int(number[:2]) not in PROVINCE_CODES:
        raise InvalidIdentifier(field, f"La provincia {what} no es válida.")
