"""What a client does to send files, and what the object store holds afterwards."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx

from casia_intake.settings import IntakeSettings
from casia_runtime.s3 import make_s3_client

FileSpec = tuple[str, bytes, str, str, str]
"""(file name, content, declared media type, document type, title)."""

TRAMITE_BAJA = {
    "case_type": "tramite",
    "subject": "afiliacion",
    "category": "altas_bajas",
    "subcategory": "bajas_trabajadores_cuenta_ajena",
    "affects_current_period": False,
    "title": "Baja de un trabajador",
    "description": "Solicito la baja del trabajador con efectos del día 28.",
    "additional_data": {"ccc": "28/1234567/42", "naf": "28 12345678 40"},
}


def raw_multipart(files: Sequence[FileSpec], **fields: Any) -> dict[str, Any]:
    """httpx's ``content`` and ``headers`` for a multipart body written byte by byte, file names
    as they are (httpx would percent-encode control characters in them, as browsers do)."""
    boundary, parts = "casia-test-boundary", []
    for name, value in [
        *fields.items(),
        *[(n, f[i]) for f in files for n, i in (("document_type", 3), ("title", 4))],
    ]:
        text = json.dumps(value) if isinstance(value, dict) else value
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{text}\r\n'.encode()
        )
    for file_name, content, media_type, _kind, _title in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{file_name}"\r\n'
            f"Content-Type: {media_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return {"content": body, "headers": {"Content-Type": f"multipart/form-data; boundary={boundary}"}}


def multipart(files: Sequence[FileSpec], **fields: Any) -> dict[str, Any]:
    """httpx's ``data`` and ``files`` for a multipart body: ``fields`` as form fields (a dict
    travels as JSON), each file with its ``document_type`` and ``title`` in order."""
    data: dict[str, Any] = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in fields.items()}
    data["document_type"] = [f[3] for f in files]
    data["title"] = [f[4] for f in files]
    return {"data": data, "files": [("files", (f[0], f[1], f[2])) for f in files]}


async def open_with_files(
    client: httpx.AsyncClient,
    path: str,
    headers: dict[str, str],
    files: Sequence[FileSpec],
    *,
    raw: bool = False,
) -> httpx.Response:
    """Open the trámite with ``files``; ``raw``: the body written byte by byte (hostile names)."""
    if raw:
        body = raw_multipart(files, case=TRAMITE_BAJA)
        return await client.post(path, content=body["content"], headers=headers | body["headers"])
    return await client.post(path, headers=headers, **multipart(files, case=TRAMITE_BAJA))


def quarantined() -> set[str]:
    """The keys the quarantine bucket holds now."""
    settings = IntakeSettings()
    client = make_s3_client(settings)
    return {str(o.object_name) for o in client.list_objects(settings.quarantine_bucket, recursive=True)}


def remove_quarantined(key: str) -> None:
    """Delete an upload from quarantine, as the sweeper would."""
    settings = IntakeSettings()
    make_s3_client(settings).remove_object(settings.quarantine_bucket, key)
