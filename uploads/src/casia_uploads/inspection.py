"""The checks every uploaded file passes before a case accepts it, run by the gateway on the
upload (to answer at once) and by the documents service on the quarantined object (which decides).

One pass computes the size and the SHA-256 fingerprint (stopping past the size limit); then the
leading bytes must show the declared format, and the content must open as that format: a PDF
that is not encrypted and has pages, an image that decodes within a pixel budget (no
decompression bombs), an XML document without DTDs or entities (no entity expansion, no external
references). Works on any seekable binary file, read in chunks: never a whole file in memory.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from dataclasses import dataclass
from typing import BinaryIO, Final

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader

from casia_uploads.formats import (
    HEAD_BYTES,
    TEXT_FORMATS,
    Format,
    declared_format,
    looks_like_text,
    matches,
    sniffed_format,
)
from casia_uploads.refusals import FileRefused, RefusalCode

CHUNK_BYTES: Final = 1024 * 1024
MAX_IMAGE_PIXELS: Final = 80_000_000
"""More than a 600 dpi scan of an A3 page; beyond it an image is refused as a likely bomb."""
PILLOW_FORMATS: Final = {Format.JPEG: "JPEG", Format.PNG: "PNG", Format.TIFF: "TIFF"}

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged PDF is our verdict, not a log line


@dataclass(frozen=True, slots=True)
class Inspected:
    """A file that passed: its format (canonical media type), measured size and fingerprint."""

    format: Format
    size_bytes: int
    sha256: str


def inspect_file(file: BinaryIO, *, declared_content_type: str, max_bytes: int) -> Inspected:
    """Check ``file`` (read from its start) as a document of the declared type.

    Raises FileRefused: ``unsupported_type`` (declared type not accepted), ``empty``,
    ``too_large`` (over ``max_bytes``), ``content_type_mismatch`` (the bytes show another
    format), ``encrypted_pdf``, ``unreadable`` (damaged, or an image over the pixel budget),
    ``unsafe_xml`` (DTD, entities). Text (plain or CSV) must be text throughout.
    """
    declared = declared_format(declared_content_type)
    if declared is None:
        raise FileRefused(
            RefusalCode.UNSUPPORTED_TYPE,
            f"El tipo de fichero {declared_content_type!r} no se admite: "
            "se admiten PDF, JPEG, PNG, TIFF, XML, texto y CSV.",
        )
    size, sha256 = _measure(file, max_bytes=max_bytes)
    file.seek(0)
    if not matches(declared, sniffed_format(file.read(HEAD_BYTES))):
        raise FileRefused(
            RefusalCode.CONTENT_TYPE_MISMATCH,
            f"El contenido del fichero no corresponde al tipo declarado ({declared.name}).",
        )
    file.seek(0)
    _open_as(file, declared)
    return Inspected(format=declared, size_bytes=size, sha256=sha256)


def _measure(file: BinaryIO, *, max_bytes: int) -> tuple[int, str]:
    file.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := file.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise FileRefused(
                RefusalCode.TOO_LARGE,
                f"El fichero supera el tamaño máximo de {max_bytes // (1024 * 1024)} MB.",
            )
        digest.update(chunk)
    if size == 0:
        raise FileRefused(RefusalCode.EMPTY, "El fichero está vacío.")
    return size, digest.hexdigest()


def _open_as(file: BinaryIO, fmt: Format) -> None:
    match fmt:
        case Format.PDF:
            _check_pdf(file)
        case Format.XML:
            _check_xml(file)
        case _ if fmt in TEXT_FORMATS:
            _check_text(file)
        case _:
            _check_image(file, PILLOW_FORMATS[fmt])


def _check_pdf(file: BinaryIO) -> None:
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            raise FileRefused(
                RefusalCode.ENCRYPTED_PDF,
                "El PDF está cifrado o protegido con contraseña: adjúntelo sin protección.",
            )
        pages = len(reader.pages)
    except FileRefused:
        raise
    except Exception as error:  # pypdf raises many kinds on damaged files: all mean unreadable
        raise _unreadable("PDF") from error
    if pages == 0:
        raise _unreadable("PDF")


def _check_image(file: BinaryIO, pillow_format: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[pillow_format]) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise _unreadable("imagen")
                image.verify()
    except FileRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _unreadable("imagen") from error
    except Exception as error:  # Pillow's decoders raise OSError, SyntaxError, ValueError...
        raise _unreadable("imagen") from error


def _check_xml(file: BinaryIO) -> None:
    try:
        for _event, element in iterparse(file, events=("end",), forbid_dtd=True):
            element.clear()  # streamed: the tree is never held
    except DefusedXmlException as error:
        raise FileRefused(
            RefusalCode.UNSAFE_XML, "El XML contiene declaraciones DTD o entidades, que no se admiten."
        ) from error
    except ParseError as error:
        raise _unreadable("XML") from error


def _check_text(file: BinaryIO) -> None:
    while chunk := file.read(CHUNK_BYTES):
        if not looks_like_text(chunk):  # binary content past the first bytes
            raise _unreadable("texto")


def _unreadable(what: str) -> FileRefused:
    return FileRefused(RefusalCode.UNREADABLE, f"El fichero no se puede leer como {what} válido.")
