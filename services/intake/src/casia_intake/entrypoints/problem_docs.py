"""The OpenAPI document names every problem an operation may answer, as problem+json.

Routes declare the codes their own rules produce (``responses={409: {}, ...}``); the ones every
route shares are added here once: 401 and 403 on every operation that needs a token, 422 where
the request has parameters or a body, 429 on the rate-limited public verification, 500 and 503
everywhere. Each such response, declared or added, is described with the RFC 9457 schema.
"""

from __future__ import annotations

from typing import Any, Final

PUBLIC_PREFIXES: Final = ("/healthz", "/readyz", "/metrics", "/v1/receipts/verify")
PROBLEM_SCHEMA: Final = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "additionalProperties": True,
}
DESCRIPTIONS: Final = {
    "400": "El cuerpo de la petición no se puede leer",
    "401": "Falta el token o no es válido",
    "403": "El token no permite esta operación",
    "404": "No existe o no es accesible para quien llama",
    "409": "La regla del caso no lo permite",
    "412": "El caso ha cambiado (If-Match)",
    "413": "Demasiado grande",
    "415": "Tipo de contenido no admitido",
    "422": "Datos no válidos",
    "429": "Demasiadas peticiones",
    "500": "Error interno",
    "503": "Servicio no disponible temporalmente",
}


def with_problems(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the shared problems added to each operation and every problem response
    described as ``application/problem+json``."""
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code in _shared(path, operation):
                responses.setdefault(code, {})
            for code, response in responses.items():
                if code in DESCRIPTIONS:
                    _as_problem(response, DESCRIPTIONS[code])
    return document


def _shared(path: str, operation: dict[str, Any]) -> list[str]:
    codes = ["500", "503"]
    if not path.startswith(PUBLIC_PREFIXES):
        codes += ["401", "403"]
    if operation.get("parameters") or operation.get("requestBody"):
        codes.append("422")
    if path.startswith("/v1/receipts/verify"):
        codes += ["404", "429"]
    if operation.get("requestBody"):
        codes += ["400", "413", "415"]
    return codes


def _as_problem(response: dict[str, Any], description: str) -> None:
    response["description"] = response.get("description") or description
    if response.get("description") in {"", "Additional Response", "Validation Error"}:
        response["description"] = description
    response["content"] = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
