"""The formats a case accepts (the allow-list) and how a file's bytes say which one they are.

PDF, JPEG, PNG, TIFF and XML: what the Treasury's procedures ask for (forms, scans, photos, XML
exports); plain text and CSV for the RED system's own files (``fichero_red``). Archives are not
accepted, so no archive is ever opened (no zip bombs); neither are office documents, which carry
macros. The declared type must be one of :data:`DECLARABLE`, and
the content's leading bytes must say the same format.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

import filetype


class Format(StrEnum):
    """An accepted format; the value is its canonical media type."""

    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"
    TIFF = "image/tiff"
    XML = "application/xml"
    TEXT = "text/plain"
    CSV = "text/csv"

    @property
    def extensions(self) -> tuple[str, ...]:
        return _EXTENSIONS[self]


_EXTENSIONS: Final = {
    Format.PDF: ("pdf",),
    Format.JPEG: ("jpg", "jpeg"),
    Format.PNG: ("png",),
    Format.TIFF: ("tif", "tiff"),
    Format.XML: ("xml",),
    Format.TEXT: ("txt",),
    Format.CSV: ("csv",),
}
TEXT_FORMATS: Final = frozenset({Format.TEXT, Format.CSV})
"""Formats whose bytes are text with no signature: the content cannot tell one from the other."""

DECLARABLE: Final[dict[str, Format]] = {
    **{f.value: f for f in Format},
    "image/jpg": Format.JPEG,
    "image/pjpeg": Format.JPEG,
    "text/xml": Format.XML,
}
"""Media types an uploader may declare (those browsers send for these formats), by format."""

HEAD_BYTES: Final = 8192
XML_BYTE_ORDER_MARK: Final = b"\xef\xbb\xbf"


def declared_format(content_type: str) -> Format | None:
    """The format a declared media type names (parameters such as ``charset`` ignored)."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return DECLARABLE.get(media_type)


def sniffed_format(head: bytes) -> Format | None:
    """The accepted format the leading bytes show, or None (another format, or none known)."""
    kind = filetype.guess(head)
    if kind is not None:
        return DECLARABLE.get(kind.mime)
    if _looks_like_xml(head):
        return Format.XML
    return Format.TEXT if looks_like_text(head) else None


def matches(declared: Format, sniffed: Format | None) -> bool:
    """Whether bytes sniffed as ``sniffed`` may be what was declared (text is text, CSV or not)."""
    return sniffed is declared or (sniffed is Format.TEXT and declared in TEXT_FORMATS)


def looks_like_text(data: bytes) -> bool:
    """No NUL byte and hardly any control characters: text in UTF-8 or a single-byte Spanish
    encoding (ISO-8859-1, Windows-1252), as the RED system writes its files."""
    if b"\0" in data:
        return False
    controls = sum(1 for byte in data if byte < 0x20 and byte not in b"\t\n\r\f")
    return controls <= len(data) // 100


def with_extension(file_name: str, fmt: Format) -> str:
    """``file_name`` ending in an extension of ``fmt`` (``informe.exe`` → ``informe.exe.pdf``), so
    that whoever downloads it opens it as what it was checked to be."""
    extension = file_name.rpartition(".")[2].lower() if "." in file_name else ""
    return file_name if extension in fmt.extensions else f"{file_name}.{fmt.extensions[0]}"


def _looks_like_xml(head: bytes) -> bool:
    text = head.removeprefix(XML_BYTE_ORDER_MARK).lstrip()
    return text.startswith(b"<?xml") or (text[:1] == b"<" and text[1:2].isalpha())
