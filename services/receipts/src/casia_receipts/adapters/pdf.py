"""The justificante as a PDF: jinja2 writes the HTML, segno draws the QR code, WeasyPrint lays it out.

Deterministic: the PDF is a function of the ``ReceiptContent`` (and of the WeasyPrint, font and
template versions), so issuing the same receipt again after a crash stores byte-identical bytes.
Nothing depends on the clock or on the process: the PDF's dates are the receipt's issue date, its
identifier comes from the receipt id, and WeasyPrint names font subsets by a digest of the font.

The output is PDF/A-2b (fonts embedded, sRGB output intent, XMP metadata), the archival profile.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from importlib.resources import files
from zoneinfo import ZoneInfo

import segno
from jinja2 import Environment, PackageLoader, StrictUndefined
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

from casia_receipts.domain.receipt import ReceiptContent, ReceiptKind

TEMPLATES = "templates"
TEMPLATE = "justificante.html"
STYLESHEET = "justificante.css"
PDF_VARIANT = "pdf/a-2b"


class ReceiptRenderer:
    """Built once per process: the fonts, the stylesheet and the template are loaded here.

    Not thread-safe (WeasyPrint's font configuration is shared between renders): render from one
    thread at a time, e.g. a single-worker executor.
    """

    def __init__(self, *, timezone: str = "Europe/Madrid") -> None:
        self._zone = ZoneInfo(timezone)
        env = Environment(
            loader=PackageLoader("casia_receipts.adapters", TEMPLATES),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._template = env.get_template(TEMPLATE)
        # Only data: URIs (the QR code) are fetched: a receipt never reaches the network or the disk.
        self._fetcher = URLFetcher(allowed_protocols={"data"})
        # Building these costs more than a whole render (fontconfig scans the system fonts and the
        # stylesheet is parsed and compiled), so they are built once and reused by every render.
        self._fonts = FontConfiguration()
        css = (files("casia_receipts.adapters") / TEMPLATES / STYLESHEET).read_text(encoding="utf-8")
        self._css = CSS(string=css, font_config=self._fonts, url_fetcher=self._fetcher)

    def render(self, content: ReceiptContent) -> bytes:
        """The justificante of ``content`` as PDF bytes; the same content gives the same bytes."""
        html = HTML(string=self.html(content), url_fetcher=self._fetcher)
        pdf: bytes = html.write_pdf(
            stylesheets=[self._css],
            font_config=self._fonts,
            pdf_variant=PDF_VARIANT,
            # WeasyPrint would derive the first half of the file identifier from the content; from
            # the receipt id it is stable and says which receipt the file is.
            pdf_identifier=hashlib.md5(content.receipt_id.encode(), usedforsecurity=False).hexdigest(),
        )
        return pdf

    def html(self, content: ReceiptContent) -> str:
        """The HTML the PDF is laid out from (shown for debugging and tested through the PDF)."""
        return self._template.render(
            r=content,
            complementary=content.kind is ReceiptKind.DOCUMENTACION_COMPLEMENTARIA,
            opened=self.local_time(content.opened_at),
            issued=self.local_time(content.issued_at),
            attached=[self.local_time(document.attached_at) for document in content.documents],
            sizes=[file_size(document.size_bytes) for document in content.documents],
            qr=qr_data_uri(content.verify_url),
            zone=self._zone.key,
            issued_w3c=content.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )

    def local_time(self, moment: datetime) -> str:
        """``moment`` as printed: ``dd/mm/aaaa HH:MM:SS`` and the zone's abbreviation (CET, CEST)."""
        return moment.astimezone(self._zone).strftime("%d/%m/%Y %H:%M:%S %Z")


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data: URI, with its quiet zone, scaled by the stylesheet.

    Error correction is at least M (15 %), raised when the same symbol size allows it: enough for a
    crease or a smudge on a printed page while the modules stay large enough to scan at ~34 mm.
    """
    code = segno.make_qr(url, error="m")
    return code.svg_data_uri(border=4, omitsize=True, dark="#000000", light="#ffffff")


def file_size(size_bytes: int) -> str:
    """A size as Spanish readers write it: ``512 bytes``, ``245,3 KB``, ``1,2 MB`` (base 1024)."""
    if size_bytes < 1024:
        return f"{size_bytes} bytes"
    size = float(size_bytes)
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if round(size, 1) < 1024 or unit == "GB":
            break
    return f"{size:.1f} {unit}".replace(".", ",")
