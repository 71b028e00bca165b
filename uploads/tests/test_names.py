"""File names: hostile ones refused, the rest kept readable and safe."""

from __future__ import annotations

import pytest

from casia_uploads.formats import Format, with_extension
from casia_uploads.names import MAX_NAME_LENGTH, clean_file_name
from casia_uploads.refusals import FileRefused, RefusalCode


@pytest.mark.parametrize(
    "raw",
    [
        "../../etc/passwd",
        "..\\..\\windows\\system32\\config",
        "C:\\Users\\ana\\nomina.pdf",
        "/absolute.pdf",
        "..",
        ".",
        "   ",
        "",
        "nomina\x00.pdf",
        "nomina\r\nX-Header: 1.pdf",
        "factura\u202efdp.exe",  # right-to-left override: shows as factura exe.pdf
        "zero\u200bwidth.pdf",
    ],
)
def test_a_path_traversal_control_or_invisible_character_is_refused(raw: str) -> None:
    with pytest.raises(FileRefused) as refused:
        clean_file_name(raw)
    assert refused.value.code is RefusalCode.UNSAFE_FILE_NAME
    assert "\u202e" not in refused.value.reason and "\x00" not in refused.value.reason


def test_an_ordinary_name_is_kept_normalised() -> None:
    assert clean_file_name("  Nómina enero 2026.pdf ") == "Nómina enero 2026.pdf"
    assert clean_file_name("No\u0301mina.pdf") == "Nómina.pdf"  # decomposed accent, composed


def test_characters_some_systems_forbid_are_replaced() -> None:
    assert clean_file_name('a<b>c:d"e|f?g*.pdf') == "a_b_c_d_e_f_g_.pdf"


def test_an_overlong_name_is_shortened_keeping_its_extension() -> None:
    cleaned = clean_file_name("x" * 1000 + ".pdf")
    assert len(cleaned) == MAX_NAME_LENGTH
    assert cleaned.endswith(".pdf")


def test_a_name_gets_the_extension_of_the_format_it_was_checked_to_be() -> None:
    assert with_extension("informe.exe", Format.PDF) == "informe.exe.pdf"
    assert with_extension("foto.JPEG", Format.JPEG) == "foto.JPEG"
    assert with_extension("sin extension", Format.PNG) == "sin extension.png"
