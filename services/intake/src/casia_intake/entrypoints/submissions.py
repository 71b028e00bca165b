"""A request body that may bring files: JSON, or ``multipart/form-data`` with the same fields and
any number of ``files`` parts (API.md "Action bodies").

In a multipart body the fields are form fields (the alta's case travels as one JSON part named
``case``); each ``files`` part is described by a ``document_type`` and a ``title`` field, the
n-th of each for the n-th file. File parts are spooled by Starlette's parser (in memory up to
1 MiB, then on disk), so a file is never held whole in memory; the whole body is bounded by
:class:`~casia_intake.entrypoints.middleware.BodyLimit`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from casia_intake.entrypoints.content import MULTIPART, media_type_of
from casia_intake.entrypoints.problems import UNREADABLE_JSON, Problem, unreadable_json
from casia_intake.service.attachments import IncomingFile

FILES, DOCUMENT_TYPE, TITLE = "files", "document_type", "title"
MAX_FIELD_BYTES: Final = 64 * 1024
MAX_FILES: Final = 20

M = TypeVar("M", bound=BaseModel)

Submission = tuple[M, list[IncomingFile]]


async def read_submission(request: Request, model: type[M], *, case_part: str | None = None) -> Submission[M]:
    """The body as ``model`` and its files (none for JSON). ``case_part`` names the multipart
    field holding the body as JSON (the alta); without it the form fields are the body.
    Raises RequestValidationError (422) for a body ``model`` refuses, Problem 422 for a
    malformed multipart body or files not described one by one."""
    if media_type_of(request) != MULTIPART:
        return _validated(model, await _json(request), where="body"), []
    form = await _form(request)
    if case_part is not None:
        raw = form.get(case_part)
        body = _json_text(raw if isinstance(raw, str) else None, where=case_part)
    else:
        body = {k: v for k, v in form.multi_items() if k not in {FILES, DOCUMENT_TYPE, TITLE}}
    return _validated(model, body, where=case_part or "body"), _files(form)


async def _form(request: Request) -> FormData:
    parser = MultiPartParser(
        request.headers, request.stream(), max_files=MAX_FILES, max_fields=50, max_part_size=MAX_FIELD_BYTES
    )
    try:
        return await parser.parse()
    except MultiPartException as error:
        raise _malformed(f"El cuerpo multipart no es válido: {error}") from error


def _files(form: FormData) -> list[IncomingFile]:
    files = [f for f in form.getlist(FILES) if isinstance(f, UploadFile)]
    if len(files) != len(form.getlist(FILES)):
        raise _malformed("Cada parte 'files' debe ser un fichero.")
    types, titles = _texts(form, DOCUMENT_TYPE), _texts(form, TITLE)
    if not len(files) == len(types) == len(titles):
        raise _malformed(
            "Cada fichero necesita su 'document_type' y su 'title', en el mismo orden que las partes 'files'."
        )
    described = zip(files, types, titles, strict=True)
    return [
        IncomingFile(
            file=upload.file,
            file_name=upload.filename or "",
            declared_content_type=upload.content_type or "",
            document_type=kind.strip(),
            title=_title(title),
        )
        for upload, kind, title in described
    ]


def _texts(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str)]


def _title(raw: str) -> str:
    title = " ".join(raw.split())
    if not title or len(title) > 200:
        raise _malformed("El título de cada documento es obligatorio y de 200 caracteres como máximo.")
    return title


async def _json(request: Request) -> Any:
    body = await request.body()
    if not body:
        return None
    return _json_text(body.decode("utf-8", errors="replace"), where="body")


def _json_text(text: str | None, *, where: str) -> Any:
    if text is None:
        raise _invalid(where, "missing", "Falta este campo.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _invalid(where, "json_invalid", f"JSON no válido: {error.msg}") from error
    except UNREADABLE_JSON as error:
        raise unreadable_json(where) from error


def _validated(model: type[M], body: Any, *, where: str) -> M:
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise RequestValidationError(_located(error.errors(), where)) from error


def _located(errors: Any, where: str) -> list[Mapping[str, Any]]:
    return [{**e, "loc": (where, *e.get("loc", ()))} for e in errors]


def _invalid(where: str, kind: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"type": kind, "loc": (where,), "msg": message, "input": None}])


def _malformed(detail: str) -> Problem:
    return Problem(422, "malformed-upload", "Envío de ficheros no válido", detail)
