"""The CEA (Código Electrónico de Autenticidad): the code printed on a justificante to verify it.

A CEA is 80 random bits written as 16 characters of Crockford's base32 in four groups of four,
e.g. ``7QXM-4KD2-HR9B-3WEF``. 16 × 5 bits is exactly 80 bits, so every 16-character string of the
alphabet is a CEA and every CEA has one spelling: the mapping from the 10 random bytes is a
bijection. The alphabet leaves out I, L, O and U, so what a person reads aloud or types back is
hard to get wrong; when typed anyway, O is read as 0 and I or L as 1, as Crockford specifies.

A value shape of the contracts (``ReceiptIssued.cea``), like the scalar shapes of
:mod:`casia_contracts.base`: the receipts service writes it, the gateway reads what people type.
The random bytes come in as an argument (the receipts service draws them from ``secrets``).
"""

from __future__ import annotations

from typing import NewType

Cea = NewType("Cea", str)
"""A CEA in its canonical form: 16 upper-case Crockford base32 characters in groups of four."""

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CEA_BYTES = 10
SYMBOLS = CEA_BYTES * 8 // 5
GROUP = 4
SEPARATOR = "-"

_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
# Crockford's decoding: the letters left out of the alphabet read as the digits they resemble.
_VALUE.update({"O": 0, "I": 1, "L": 1})
# A person may copy the code from a word processor or a PDF viewer that turned the hyphens into
# dashes; those are separators too, like the spaces, tabs and line breaks between groups.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_LONGEST_TYPING = 64
"""Longer text is refused before looking at it: it cannot be a CEA however it was typed."""


def cea_from_bytes(raw: bytes) -> Cea:
    """The CEA that writes ``raw``; raises ValueError unless ``raw`` is exactly 10 bytes."""
    if len(raw) != CEA_BYTES:
        raise ValueError(f"a CEA is made of {CEA_BYTES} bytes, not {len(raw)}")
    number = int.from_bytes(raw, "big")
    symbols = "".join(ALPHABET[(number >> 5 * index) & 0b11111] for index in reversed(range(SYMBOLS)))
    return _grouped(symbols)


def parse_cea(text: str) -> Cea | None:
    """The CEA a person typed as ``text``, in canonical form, or None if it cannot be one.

    Upper or lower case, spaces and hyphens anywhere, and O for 0 or I/L for 1 are all accepted;
    anything else (a U, a symbol, a letter with an accent, too few or too many characters) is not.
    """
    if len(text) > _LONGEST_TYPING:
        return None
    typed = "".join(char for char in text if not char.isspace() and char not in _DASHES)
    # ASCII is checked before upper-casing, which would turn "ß" into "SS" or "ı" into "I".
    if len(typed) != SYMBOLS or not typed.isascii():
        return None
    try:
        return _grouped("".join(ALPHABET[_VALUE[symbol]] for symbol in typed.upper()))
    except KeyError:  # a character outside the alphabet and its readings: U, a symbol, ...
        return None


def _grouped(symbols: str) -> Cea:
    return Cea(SEPARATOR.join(symbols[start : start + GROUP] for start in range(0, SYMBOLS, GROUP)))
