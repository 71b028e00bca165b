"""The SHA-256 of a PDF someone uploads to verify it: the request body itself
(``application/pdf``), or the one ``file`` part of a ``multipart/form-data`` body.

Read in chunks, never whole in memory: a raw body is hashed as it streams in; a file part is
spooled by Starlette's parser (in memory up to 1 MiB, then on disk) and hashed from there. The
body is bounded by :class:`~casia_intake.entrypoints.middleware.BodyLimit` (the upload limit).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any, Final

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from casia_intake.entrypoints.content import MULTIPART, PDF, media_type_of
from casia_intake.entrypoints.problems import Problem

FILE: Final = "file"
CHUNK_BYTES: Final = 64 * 1024
MAX_FIELD_BYTES: Final = 1024

PDF_UPLOAD: Final[dict[str, Any]] = {
    "requestBody": {
        "required": True,
        "content": {
            MULTIPART: {
                "schema": {
                    "type": "object",
                    "required": [FILE],
                    "properties": {
                        FILE: {
                            "type": "string",
                            "format": "binary",
                            "description": "El PDF del justificante.",
                        }
                    },
                }
            },
            PDF: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
"""``openapi_extra`` of a route that takes a PDF either way (the route reads the body itself)."""


async def uploaded_pdf_sha256(request: Request) -> str:
    """The lower-case hex SHA-256 of the uploaded bytes; 422 problem when the request carries
    no file, or an empty one (or a multipart body that is malformed or has more than one file)."""
    if media_type_of(request) == MULTIPART:
        sha256, size = await _file_part(request)
    else:
        sha256, size = await _hashed(request.stream())
    if size == 0:
        raise _no_file()
    return sha256


async def _file_part(request: Request) -> tuple[str, int]:
    parser = MultiPartParser(
        request.headers, request.stream(), max_files=1, max_fields=10, max_part_size=MAX_FIELD_BYTES
    )
    try:
        form = await parser.parse()
    except MultiPartException as error:
        detail = f"El cuerpo multipart no es válido: {error}"
        raise Problem(422, "malformed-upload", "Envío de ficheros no válido", detail) from error
    try:
        files = [part for part in form.getlist(FILE) if isinstance(part, UploadFile)]
        if len(files) != 1:
            raise _no_file()
        return await _hashed(_chunks(files[0]))
    finally:
        await form.close()


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK_BYTES):
        yield chunk


async def _hashed(chunks: AsyncIterator[bytes]) -> tuple[str, int]:
    """The SHA-256 (hex) and the length of the bytes, taken chunk by chunk."""
    digest, size = hashlib.sha256(), 0
    async for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _no_file() -> Problem:
    return Problem(
        422,
        "missing-file",
        "Falta el fichero",
        "Envíe el PDF del justificante como cuerpo application/pdf o en la parte 'file' de un "
        "cuerpo multipart/form-data.",
    )
