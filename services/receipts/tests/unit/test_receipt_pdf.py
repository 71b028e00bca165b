"""The justificante PDF: what it says (read back with pypdf), that it escapes, and that it is
the same bytes every time. One renderer for the module, as one per process in the service."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject

from casia_receipts.adapters.pdf import ReceiptRenderer, file_size, qr_data_uri
from casia_receipts.domain.receipt import ReceiptContent

from ..builders import complementary, new_content, new_document

SCRIPT_TITLE = "Solicitud <script>alert('x')</script> & anexos"


@pytest.fixture(scope="module")
def renderer() -> ReceiptRenderer:
    return ReceiptRenderer(timezone="Europe/Madrid")


@pytest.fixture(scope="module")
def content() -> ReceiptContent:
    return new_content(documents=(new_document(), new_document(SCRIPT_TITLE, file_name="a<b>.pdf")))


@pytest.fixture(scope="module")
def pdf(renderer: ReceiptRenderer, content: ReceiptContent) -> bytes:
    return renderer.render(content)


@pytest.fixture(scope="module")
def text(pdf: bytes) -> str:
    return _text(pdf)


def _text(pdf: bytes) -> str:
    """The PDF's text with every run of whitespace as one space, as a reader would copy it."""
    pages: Iterator[str] = (page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", " ".join(pages))


def test_it_is_a_pdf_a_2b(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    assert pdf.startswith(b"%PDF-1.7")
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert b'pdfaid:part="2"' in xmp.stream.get_data()
    assert b'pdfaid:conformance="B"' in xmp.stream.get_data()


def test_it_says_the_kind_the_case_and_when_it_was_opened(text: str, content: ReceiptContent) -> None:
    assert "Justificante de solicitud de trámite" in text
    assert content.case_number in text
    assert "14/03/2025 10:32:05 CET" in text  # opened_at 09:32:05 UTC, in Madrid's winter time
    for printed in (content.authorization_number, content.business_name, content.holder_nif):
        assert printed in text
    assert f"{content.opened_by_name} (NIF {content.opened_by_nif})" in text
    assert content.classification_label in text


def test_it_prints_the_cea_and_where_to_verify_it(text: str, content: ReceiptContent) -> None:
    assert "Código Electrónico de Autenticidad (CEA)" in text
    assert content.cea in text
    assert content.verify_url in text
    assert "Puede comprobar la autenticidad de este justificante" in text
    assert f"Emitido el 14/03/2025 10:32:07 CET · Justificante nº {content.receipt_id}" in text


def test_it_lists_every_document_with_its_full_hash(text: str, content: ReceiptContent) -> None:
    assert "Relación de documentos anexados" in text
    for document in content.documents:
        assert document.sha256 in text
        assert document.title in text
        assert document.file_name in text
    assert "No se anexaron documentos." not in text


def test_what_people_typed_is_printed_as_text_not_markup(text: str, renderer: ReceiptRenderer) -> None:
    assert SCRIPT_TITLE in text
    assert "a<b>.pdf" in text
    html = renderer.html(new_content(documents=(new_document(SCRIPT_TITLE),)))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_a_receipt_without_documents_says_so(renderer: ReceiptRenderer) -> None:
    text = _text(renderer.render(new_content(documents=())))
    assert "No se anexaron documentos." in text
    assert "Huella SHA-256" not in text


def test_the_complementary_receipt_says_when_each_document_was_attached(
    renderer: ReceiptRenderer, content: ReceiptContent
) -> None:
    text = _text(renderer.render(complementary(content)))
    assert "Justificante de documentación complementaria anexada" in text
    assert "Justificante de solicitud de trámite" not in text
    assert "Fecha y hora de anexado" in text
    for document in content.documents:
        assert renderer.local_time(document.attached_at) in text
        assert document.sha256 in text


def test_the_same_content_gives_the_same_bytes(pdf: bytes, content: ReceiptContent) -> None:
    """The module's renderer has drawn other receipts since; a fresh one must agree with it."""
    assert ReceiptRenderer().render(content) == pdf


def test_the_file_is_dated_and_identified_by_the_receipt(pdf: bytes, content: ReceiptContent) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert reader.metadata.creation_date == reader.metadata.modification_date == content.issued_at
    identifiers = reader.trailer["/ID"]
    assert isinstance(identifiers, ArrayObject)
    assert identifiers[0] == hashlib.md5(content.receipt_id.encode(), usedforsecurity=False).hexdigest()


def test_times_are_printed_in_the_zone_with_its_name(renderer: ReceiptRenderer) -> None:
    assert renderer.local_time(datetime(2025, 7, 1, 22, 0, 1, tzinfo=UTC)) == "02/07/2025 00:00:01 CEST"
    assert renderer.local_time(datetime(2025, 1, 1, 0, 0, tzinfo=UTC)) == "01/01/2025 01:00:00 CET"
    canary = ReceiptRenderer(timezone="Atlantic/Canary")
    assert canary.local_time(datetime(2025, 1, 1, 0, 0, tzinfo=UTC)) == "01/01/2025 00:00:00 WET"


@pytest.mark.parametrize(
    ("size", "printed"),
    [
        (0, "0 bytes"),
        (1023, "1023 bytes"),
        (1024, "1,0 KB"),
        (251_597, "245,7 KB"),
        (1_048_575, "1,0 MB"),
        (1_284_311, "1,2 MB"),
        (5 * 1024**3, "5,0 GB"),
    ],
)
def test_sizes_are_written_as_spanish_readers_write_them(size: int, printed: str) -> None:
    assert file_size(size) == printed


def test_the_qr_code_is_an_svg_drawn_without_the_network() -> None:
    uri = qr_data_uri("http://127.0.0.1:8000/v1/receipts/verify/0000-0000-0000-0000")
    assert uri.startswith("data:image/svg+xml")
    assert uri == qr_data_uri("http://127.0.0.1:8000/v1/receipts/verify/0000-0000-0000-0000")
