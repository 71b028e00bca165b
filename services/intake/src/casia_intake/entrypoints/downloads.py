"""Downloading a case's documents: to holders of the case's authorization and to clerks.

The file is streamed through the gateway from the object store (chunk by chunk, never whole in
memory), so the store is never exposed and every download is authorised here. Served as an
attachment, with its checked media type, ``nosniff`` and no caching: a browser saves it rather
than rendering it in our origin.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from casia_intake.entrypoints.dependencies import Application
from casia_intake.entrypoints.identity import ActingAuthorization, Clerk
from casia_intake.entrypoints.lookups import case_of
from casia_intake.entrypoints.problems import Problem
from casia_intake.service.application import IntakeApp
from casia_read_models import FileStatus, StoredCase

router = APIRouter()
FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}, "description": "El fichero"},
    404: {},
}


@router.get(
    "/v1/authorizations/{authorization}/cases/{case_number}/documents/{document_id}",
    tags=["autorizado"],
    summary="Descargar un documento del caso",
    response_class=StreamingResponse,
    responses=FILE,
)
async def download(
    case_number: str, document_id: str, intake: Application, authorization: ActingAuthorization
) -> StreamingResponse:
    stored = await case_of(intake, case_number, authorization=authorization.number)
    return await _document(intake, stored, document_id)


@router.get(
    "/v1/backoffice/cases/{case_number}/documents/{document_id}",
    tags=["tramitador"],
    summary="Descargar un documento del caso",
    response_class=StreamingResponse,
    responses=FILE,
)
async def download_as_clerk(
    case_number: str, document_id: str, intake: Application, clerk: Clerk
) -> StreamingResponse:
    stored = await case_of(intake, case_number, authorization=None)
    return await _document(intake, stored, document_id)


async def _document(intake: IntakeApp, case: StoredCase, document_id: str) -> StreamingResponse:
    """The stored file of the case's document ``document_id``; 404 for a document the case does
    not have or that was not stored (pending, rejected)."""
    named = any(d.document_id == document_id for d in case.documents)
    record = await intake.files.get(document_id) if named else None
    if (
        record is None
        or record.status != FileStatus.STORED
        or record.object is None
        or record.case_number != case.case_number
    ):
        detail = "El documento no existe o aún no está disponible."
        raise Problem(404, "document-not-found", "Documento no disponible", detail)
    return StreamingResponse(
        intake.objects.stream(record.object.bucket, record.object.key),
        media_type=record.content_type,
        headers=attachment_headers(record.file_name, size=record.size_bytes, sha256=record.sha256),
    )


def attachment_headers(file_name: str, *, size: int, sha256: str | None) -> dict[str, str]:
    """Headers of a file served for saving: its name (RFC 6266, ASCII fallback and UTF-8), its
    length, its fingerprint as the ETag."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\\\' else "_" for c in file_name)
    headers = {
        "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name)}",
        "Content-Length": str(size),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
    if sha256:
        headers["ETag"] = f'"{sha256}"'
    return headers
