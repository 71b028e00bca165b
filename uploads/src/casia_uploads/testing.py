"""Sample files for tests, made on the fly: valid ones of each format and hostile ones."""

from __future__ import annotations

import io
import os

from PIL import Image
from pypdf import PdfWriter


def pdf(*, pages: int = 1, password: str | None = None, marker: str = "", padding: int = 0) -> bytes:
    """A valid PDF; ``marker`` goes into its metadata so two samples differ in bytes; ``padding``
    random bytes ride in an embedded file (a large document that is still a readable PDF)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": marker or "muestra"})
    if padding:
        writer.add_attachment("anexo.bin", os.urandom(padding))
    if password is not None:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(pillow_format: str, *, size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color=0).save(out, format=pillow_format)
    return out.getvalue()


def jpeg() -> bytes:
    return image("JPEG")


def png() -> bytes:
    return image("PNG")


def tiff() -> bytes:
    return image("TIFF")


def pixel_bomb() -> bytes:
    """A PNG of a few kilobytes that would decode to 100 million pixels."""
    return image("PNG", size=(10_000, 10_000), mode="1")


def xml() -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n<afiliacion><naf>281234567840</naf></afiliacion>\n'


def billion_laughs() -> bytes:
    """XML whose entities expand to gigabytes if a parser lets them."""
    return b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<lolz>&lol3;</lolz>
"""
