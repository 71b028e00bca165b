"""The CEA code: 80 random bits in 16 Crockford base32 characters, and what a person may type back."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casia_contracts.cea import ALPHABET, Cea, cea_from_bytes, parse_cea

CANONICAL = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")
TEN_BYTES = st.binary(min_size=10, max_size=10)
KNOWN = bytes.fromhex("3a7f9c0e51d2b48866f0")
KNOWN_CEA = "79ZS-R3JH-TAT8-GSQG"


def test_the_alphabet_is_crockfords_without_i_l_o_u() -> None:
    assert len(ALPHABET) == 32 == len(set(ALPHABET))
    assert not set("ILOU") & set(ALPHABET)


def test_known_bytes_give_a_known_code() -> None:
    """Fixed, so a change of encoding (which would orphan every printed CEA) cannot go unnoticed."""
    assert cea_from_bytes(KNOWN) == KNOWN_CEA
    assert cea_from_bytes(bytes(10)) == "0000-0000-0000-0000"
    assert cea_from_bytes(b"\xff" * 10) == "ZZZZ-ZZZZ-ZZZZ-ZZZZ"
    assert cea_from_bytes(b"\x00" * 9 + b"\x01") == "0000-0000-0000-0001"
    assert cea_from_bytes(b"\x80" + bytes(9)) == "G000-0000-0000-0000"


@pytest.mark.parametrize("size", [0, 1, 9, 11, 16, 32])
def test_anything_but_ten_bytes_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="10 bytes"):
        cea_from_bytes(bytes(size))


@given(TEN_BYTES)
def test_every_code_is_canonical_and_parses_to_itself(raw: bytes) -> None:
    cea = cea_from_bytes(raw)
    assert CANONICAL.fullmatch(cea)
    assert parse_cea(cea) == cea


@given(TEN_BYTES, TEN_BYTES)
def test_different_bytes_give_different_codes(first: bytes, second: bytes) -> None:
    """80 bits in, 80 bits out: no two receipts' random bytes share a code."""
    assert (cea_from_bytes(first) == cea_from_bytes(second)) == (first == second)


@given(st.integers(min_value=0, max_value=2**80 - 1))
def test_the_code_is_the_number_in_base_32(number: int) -> None:
    """All 2^80 values are reachable, so the code carries the full 80 bits of randomness."""
    assert _as_number(cea_from_bytes(number.to_bytes(10, "big"))) == number


def _as_number(cea: Cea) -> int:
    number = 0
    for symbol in cea.replace("-", ""):
        number = number * 32 + ALPHABET.index(symbol)
    return number


@pytest.mark.parametrize(
    "typed",
    [
        "79ZS-R3JH-TAT8-GSQG",
        "79zs-r3jh-tat8-gsqg",
        "79ZSR3JHTAT8GSQG",
        "79zs r3jh tat8 gsqg",
        "  79ZS - R3JH - TAT8 - GSQG  ",
        "7-9-Z-S-R-3-J-H-T-A-T-8-G-S-Q-G",
        "79ZS\tR3JH\nTAT8 GSQG",
        "79ZS–R3JH—TAT8‑GSQG",  # dashes a word processor or a PDF viewer put for hyphens
        "79Zs-R3jH-tAT8-GsQg",
    ],
)
def test_every_way_of_typing_a_code_is_read(typed: str) -> None:
    assert parse_cea(typed) == KNOWN_CEA


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("O000-0000-0000-000o", "0000-0000-0000-0000"),
        ("I111-L111-i111-l111", "1111-1111-1111-1111"),
        ("1O1O-lIlI-0000-0000", "1010-1111-0000-0000"),
    ],
)
def test_letters_that_look_like_digits_are_read_as_the_digits(typed: str, read: str) -> None:
    assert parse_cea(typed) == read


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "79ZS-R3JH-TAT8-GSQ",  # 15 characters
        "79ZS-R3JH-TAT8-GSQGG",  # 17 characters
        "79ZS-R3JH-TAT8-GSQU",  # U is not in the alphabet
        "79ZS-R3JH-TAT8-GSQ!",
        "79ZS_R3JH_TAT8_GSQG",  # underscores are not separators
        "79ZS.R3JH.TAT8.GSQG",
        "79ZS-R3JH-TAT8-GSQÉ",
        "79ZS-R3JH-TAT8-GSß",  # upper-cased would be "SS": sixteen characters out of fifteen
        "79ZS-R3JH-TAT8-GSQı",  # dotless i: upper-cased would be I
        "７9ZS-R3JH-TAT8-GSQG",  # a full-width digit
        "79ZS-R3JH-TAT8-GSQG" + " " * 60,  # too long to look at
        "https://example.org/v1/receipts/verify/79ZS-R3JH-TAT8-GSQG",
    ],
)
def test_what_cannot_be_a_code_is_refused(typed: str) -> None:
    assert parse_cea(typed) is None
