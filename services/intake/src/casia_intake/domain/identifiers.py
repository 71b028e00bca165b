"""Spanish identifiers and other data of Social Security filings, checked with their control characters.

Every validator takes the text a person typed, normalizes it and returns the canonical form, or
raises `InvalidIdentifier` with the field name and a Spanish message for people. The messages never
repeat the value, so they are safe to log.

Decisions:
- NIF: checked by python-stdnum (`stdnum.es.nif`, which delegates to `dni`, `nie` and `cif`): DNI
  (8 digits + letter), NIE (X/Y/Z + 7 digits + letter), the special personal NIFs K/L/M + 7 digits +
  letter (stdnum accepts them with the DNI letter table on the 7 digits, as we did) and the NIF of
  legal entities (CIF: letter + 7 digits + control digit or letter). On top of stdnum, which accepts
  either form of the entity control for every entity letter, we keep the AEAT rule on its form: a
  letter for N, P, Q, R, S and W, a digit for A, B, E and H, either for the rest. Spaces, hyphens
  (any Unicode dash) and dots are ignored, letters are upper-cased; the "ES" prefix of the VAT
  number is not accepted (the field is a NIF, not a NIF-IVA).
- CCC (código cuenta de cotización): 2 province + 7 number + 2 control digits, control =
  int(first 9 digits) % 97. The 4-digit regime prefix is not part of it. Spaces, slashes, hyphens
  and dots are ignored ("28/1234567/89" -> "28123456789"). Not in stdnum (`stdnum.es.ccc` is a
  bank account code), so it is ours.
- NAF (número de afiliación): 2 province + 8 number + 2 control digits (separators as for CCC). Ours
  too, for the same reason.
- Province codes: 01-53 and 66, the codes the TGSS uses in CCC and NAF numbers.
- Period (periodo de liquidación): "YYYY-MM", "MM/YYYY" or "YYYYMM", normalized to "YYYY-MM";
  years 1990-2100.
- Date (fecha): "YYYY-MM-DD" or "DD/MM/YYYY" (or "DD-MM-YYYY"), a real calendar day, normalized to
  "YYYY-MM-DD"; years 1900-2100. Whether a date may lie in the future is the clerk's call.
- Reference (número de expediente, de remesa, nombre de fichero): 1 to 40 ASCII letters, digits
  and the separators space . / - _, with at least one digit; kept as typed, trimmed, inner spaces
  collapsed (a file name's case may matter).
- Authorization number (número de autorización RED): 1 to 10 digits, kept as given (leading zeros
  are significant); surrounding and inner spaces are ignored.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from stdnum.es import nif as stdnum_nif
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.util import clean as fold_unicode_separators

PERSONAL_NIF_STARTS: Final = frozenset("0123456789XYZKLM")
CIF_LETTER_CONTROL_ENTITIES: Final = "NPQRSW"
CIF_DIGIT_CONTROL_ENTITIES: Final = "ABEH"
PROVINCE_CODES: Final = frozenset({*range(1, 54), 66})
FIRST_PERIOD_YEAR: Final = 1990
LAST_PERIOD_YEAR: Final = 2100
FIRST_DATE_YEAR: Final = 1900
LAST_DATE_YEAR: Final = 2100
REFERENCE_MAX_LENGTH: Final = 40
AUTHORIZATION_MAX_DIGITS: Final = 10

_NIF_SEPARATORS: Final = re.compile(r"[\s\-.]")
_NUMBER_SEPARATORS: Final = re.compile(r"[\s\-./]")
_PERSONAL_NIF: Final = re.compile(r"[0-9XYZKLM][0-9]{7}[A-Z]")
_ENTITY_NIF: Final = re.compile(r"[A-Z][0-9]{7}[A-Z0-9]")  # stdnum tells which letters are entities
_CCC: Final = re.compile(r"[0-9]{11}")
_NAF: Final = re.compile(r"[0-9]{12}")
_PERIOD_FORMATS: Final = (
    re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})"),
    re.compile(r"(?P<month>[0-9]{2})/(?P<year>[0-9]{4})"),
    re.compile(r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})"),
)
_DATE_FORMATS: Final = (
    re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"),
    re.compile(r"(?P<day>[0-9]{2})[/-](?P<month>[0-9]{2})[/-](?P<year>[0-9]{4})"),
)
_REFERENCE: Final = re.compile(rf"[A-Za-z0-9][A-Za-z0-9 ./_-]{{0,{REFERENCE_MAX_LENGTH - 1}}}")
_AUTHORIZATION: Final = re.compile(rf"[0-9]{{1,{AUTHORIZATION_MAX_DIGITS}}}")

_NIF_FORMAT_ES: Final = (
    "El NIF no tiene un formato válido: se esperan 8 cifras y una letra (DNI), X, Y o Z seguida de "
    "7 cifras y una letra (NIE), o una letra, 7 cifras y un carácter de control (empresas)."
)
_NIF_LETTER_ES: Final = "La letra de control del NIF no es correcta."
_ENTITY_CONTROL_ES: Final = "El carácter de control del NIF de la entidad no es correcto."


class InvalidIdentifier(ValueError):
    """An identifier failed its format or check-digit rule; `message_es` is for people."""

    def __init__(self, field: str, message_es: str) -> None:
        super().__init__(message_es)
        self.field = field
        self.message_es = message_es


def validate_nif(value: str, *, field: str = "nif") -> str:
    """Return the canonical NIF (DNI, NIE, K/L/M or legal entity), or raise InvalidIdentifier.

    The check characters are python-stdnum's (`stdnum.es.nif`); the shape check before it keeps the
    messages precise, and the entity-control form rule after it is ours (module docstring).
    """
    nif = _NIF_SEPARATORS.sub("", fold_unicode_separators(value)).upper()
    personal = nif[:1] in PERSONAL_NIF_STARTS
    if not (_PERSONAL_NIF if personal else _ENTITY_NIF).fullmatch(nif):
        raise InvalidIdentifier(field, _NIF_FORMAT_ES)
    try:
        canonical = stdnum_nif.validate(nif)
    except InvalidChecksum:
        raise InvalidIdentifier(field, _NIF_LETTER_ES if personal else _ENTITY_CONTROL_ES) from None
    except ValidationError:
        raise InvalidIdentifier(field, _NIF_FORMAT_ES) from None
    if not personal:
        _check_entity_control_form(canonical, field=field)
    return canonical


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


def validate_date(value: str, *, field: str = "date") -> str:
    """Return the date as "YYYY-MM-DD" (a real calendar day, years 1900-2100), or raise InvalidIdentifier."""
    text = value.strip()
    match = next((m for m in (p.fullmatch(text) for p in _DATE_FORMATS) if m), None)
    if match is None:
        raise InvalidIdentifier(
            field, "La fecha debe tener el formato AAAA-MM-DD o DD/MM/AAAA (por ejemplo, 2025-01-31)."
        )
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if not FIRST_DATE_YEAR <= year <= LAST_DATE_YEAR:
        raise InvalidIdentifier(
            field, f"El año de la fecha debe estar entre {FIRST_DATE_YEAR} y {LAST_DATE_YEAR}."
        )
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise InvalidIdentifier(field, "La fecha no existe en el calendario.") from None


def validate_reference(value: str, *, field: str = "reference") -> str:
    """Return a reference (expediente, remesa, fichero) trimmed with single inner spaces.

    Raises InvalidIdentifier unless it has 1 to 40 ASCII letters, digits and separators (space . /
    - _), starts with a letter or digit and holds at least one digit.
    """
    reference = " ".join(value.split())
    if not _REFERENCE.fullmatch(reference) or not any(c.isdigit() for c in reference):
        raise InvalidIdentifier(
            field,
            f"La referencia debe tener entre 1 y {REFERENCE_MAX_LENGTH} caracteres: letras y cifras "
            "(al menos una cifra), con espacios, puntos, barras, guiones o guiones bajos como "
            "separadores.",
        )
    return reference


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


def _check_entity_control_form(nif: str, *, field: str) -> None:
    """stdnum accepts either form of the entity control; the AEAT fixes it for some entity letters."""
    entity, control = nif[0], nif[-1]
    letter_only = entity in CIF_LETTER_CONTROL_ENTITIES and control.isdigit()
    digit_only = entity in CIF_DIGIT_CONTROL_ENTITIES and not control.isdigit()
    if letter_only or digit_only:
        raise InvalidIdentifier(field, _ENTITY_CONTROL_ES)


def _check_province(number: str, *, field: str, what: str) -> None:
    if int(number[:2]) not in PROVINCE_CODES:
        raise InvalidIdentifier(field, f"La provincia {what} no es válida.")
