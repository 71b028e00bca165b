"""The OpenAPI description of bodies that come as JSON or as multipart with files.

Such routes read their body themselves (:mod:`~casia_intake.entrypoints.submissions`), so FastAPI
cannot describe it: :func:`json_or_files` writes the ``requestBody`` (both media types), and
:func:`install_body_schemas` adds the models it names to the document's components.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from casia_intake.entrypoints.content import JSON, MULTIPART
from casia_intake.entrypoints.problem_docs import with_problems

REF = "#/components/schemas/{model}"
_MODELS: dict[str, type[BaseModel]] = {}

_FILE_PARTS = {
    "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
    "document_type": {
        "type": "array",
        "items": {"type": "string"},
        "description": "El tipo de documento (código del catálogo) de cada fichero, en su orden.",
    },
    "title": {
        "type": "array",
        "items": {"type": "string", "maxLength": 200},
        "description": "El título de cada fichero, en su orden.",
    },
}


def json_or_files(model: type[BaseModel], *, case_part: str | None = None) -> dict[str, Any]:
    """``openapi_extra`` for a route whose body is ``model`` as JSON, or multipart with files
    (the model's fields as form fields, or the whole model as the JSON part ``case_part``)."""
    _MODELS[model.__name__] = model
    ref = {"$ref": REF.format(model=model.__name__)}
    if case_part is not None:
        properties = {case_part: {**ref, "description": "El caso, como JSON."}, **_FILE_PARTS}
        form: dict[str, Any] = {
            "schema": {"type": "object", "required": [case_part], "properties": properties},
            "encoding": {case_part: {"contentType": JSON}},
        }
    else:
        form = {"schema": {"allOf": [ref, {"type": "object", "properties": _FILE_PARTS}]}}
    return {"requestBody": {"required": True, "content": {JSON: {"schema": ref}, MULTIPART: form}}}


def install_body_schemas(app: FastAPI) -> None:
    """Make the app's OpenAPI document carry the schemas :func:`json_or_files` refers to, and
    the problems every operation may answer (:mod:`~casia_intake.entrypoints.problem_docs`)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = with_problems(generate())
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for name, model in _MODELS.items():
            schema = model.model_json_schema(ref_template=REF)
            schemas.update(schema.pop("$defs", {}))
            schemas.setdefault(name, schema)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
