"""What people may type: text is kept in Unicode NFC, and characters that are invisible or that
change how the rest of the text reads are refused.

A single-line field (a title, a code, a value of additional data) refuses every control character
(tabs and line breaks included), every format character (bidirectional overrides and isolates,
zero-width spaces and joiners, the byte-order mark, soft hyphens), line and paragraph separators
and lone surrogates. A multi-line field (a description, a message) accepts line breaks (CR LF and
CR become LF) and tabs, and the zero-width joiner and non-joiner that some scripts and emoji need;
everything else above is refused there too. Such characters let a title look like another, hide
text from a clerk, reorder what an e-mail shows (Trojan Source) or break a header.
"""

from __future__ import annotations

import unicodedata
from typing import Final

REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
MULTI_LINE_ALLOWED: Final = frozenset({"\n", "\t", "\u200c", "\u200d"})


class UnacceptableText(ValueError):
    """The text holds a character people must not send; the message (Spanish) names its position
    and code point, never the text itself."""


def single_line(text: str) -> str:
    """``text`` in NFC; raises :class:`UnacceptableText` for any refused character."""
    normalized = unicodedata.normalize("NFC", text)
    _refuse(normalized, allowed=frozenset())
    return normalized


def multi_line(text: str) -> str:
    """``text`` in NFC with line breaks as LF; raises :class:`UnacceptableText` for any refused
    character other than line breaks, tabs and zero-width (non-)joiners."""
    normalized = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    _refuse(normalized, allowed=MULTI_LINE_ALLOWED)
    return normalized


def _refuse(text: str, *, allowed: frozenset[str]) -> None:
    for position, character in enumerate(text, start=1):
        if character not in allowed and unicodedata.category(character) in REFUSED_CATEGORIES:
            raise UnacceptableText(
                f"El texto contiene un carácter de control o invisible no admitido "
                f"(U+{ord(character):04X}, posición {position})."
            )
