"""Every accepted format passes; every hostile or mismatched file is refused with its code."""

from __future__ import annotations

import hashlib
import io

import pytest

from casia_uploads import testing as samples
from casia_uploads.formats import Format
from casia_uploads.inspection import inspect_file
from casia_uploads.refusals import FileRefused, RefusalCode

LIMIT = 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("content", "declared", "fmt"),
    [
        (samples.pdf(), "application/pdf", Format.PDF),
        (samples.jpeg(), "image/jpeg", Format.JPEG),
        (samples.jpeg(), "image/jpg", Format.JPEG),
        (samples.png(), "image/png", Format.PNG),
        (samples.tiff(), "image/tiff", Format.TIFF),
        (samples.xml(), "application/xml", Format.XML),
        (samples.xml(), "text/xml; charset=utf-8", Format.XML),
        (b"NAF;CCC;Periodo\n281234567840;28123456789;2026-01\n", "text/csv", Format.CSV),
        ("Relación de trabajadores: Muñoz, Peña\r\n".encode("cp1252"), "text/plain", Format.TEXT),
    ],
)
def test_an_accepted_format_passes_with_its_size_and_fingerprint(
    content: bytes, declared: str, fmt: Format
) -> None:
    inspected = inspect_file(io.BytesIO(content), declared_content_type=declared, max_bytes=LIMIT)
    assert inspected.format is fmt
    assert inspected.size_bytes == len(content)
    assert inspected.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("content", "declared", "code"),
    [
        (b"", "application/pdf", RefusalCode.EMPTY),
        (samples.png(), "application/pdf", RefusalCode.CONTENT_TYPE_MISMATCH),
        (samples.pdf(), "image/png", RefusalCode.CONTENT_TYPE_MISMATCH),
        (b"MZ\x90\x00 this is a windows executable", "application/pdf", RefusalCode.CONTENT_TYPE_MISMATCH),
        (b"PK\x03\x04 a zip archive", "application/zip", RefusalCode.UNSUPPORTED_TYPE),
        (samples.pdf(), "application/octet-stream", RefusalCode.UNSUPPORTED_TYPE),
        (samples.pdf(password="secreto"), "application/pdf", RefusalCode.ENCRYPTED_PDF),
        (b"%PDF-1.7\n garbage that is no pdf at all", "application/pdf", RefusalCode.UNREADABLE),
        (samples.png()[:40], "image/png", RefusalCode.UNREADABLE),
        (samples.pixel_bomb(), "image/png", RefusalCode.UNREADABLE),
        (samples.billion_laughs(), "application/xml", RefusalCode.UNSAFE_XML),
        (b"<?xml version='1.0'?><a><b></a>", "application/xml", RefusalCode.UNREADABLE),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00 binary", "text/plain", RefusalCode.CONTENT_TYPE_MISMATCH),
        (b"a;b\n" * 5000 + b"\x00\x01\x02" * 100, "text/csv", RefusalCode.UNREADABLE),
    ],
    ids=[
        "empty",
        "png-declared-pdf",
        "pdf-declared-png",
        "exe-declared-pdf",
        "zip",
        "octet-stream",
        "encrypted-pdf",
        "damaged-pdf",
        "truncated-png",
        "pixel-bomb",
        "billion-laughs",
        "malformed-xml",
        "binary-declared-text",
        "binary-after-text",
    ],
)
def test_a_hostile_or_mismatched_file_is_refused_with_its_code(
    content: bytes, declared: str, code: RefusalCode
) -> None:
    with pytest.raises(FileRefused) as refused:
        inspect_file(io.BytesIO(content), declared_content_type=declared, max_bytes=LIMIT)
    assert refused.value.code is code
    assert refused.value.reason


def test_a_file_over_the_limit_is_refused_without_reading_it_all() -> None:
    class Endless(io.RawIOBase):
        """Never ends: the check must stop on its own once past the limit."""

        read_so_far = 0

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return True

        def seek(self, offset: int, whence: int = 0) -> int:
            return 0

        def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
            self.read_so_far += len(buffer)
            buffer[:] = b"\0" * len(buffer)
            return len(buffer)

    endless = Endless()
    with pytest.raises(FileRefused) as refused:
        inspect_file(io.BufferedReader(endless), declared_content_type="application/pdf", max_bytes=LIMIT)
    assert refused.value.code is RefusalCode.TOO_LARGE
    assert endless.read_so_far <= LIMIT + 2 * 1024 * 1024
