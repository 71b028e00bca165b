"""The media types a route's body may come in: anything else is 415, before the body is read
as anything.

Routers declare it once (``APIRouter(dependencies=[Depends(accepts(JSON))])``); a request without
a body (a POST with nothing to say) passes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from email.message import Message
from typing import Final

from fastapi import Request

from casia_intake.entrypoints.problems import Problem

JSON: Final = "application/json"
MULTIPART: Final = "multipart/form-data"
PDF: Final = "application/pdf"
BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})


def accepts(*media_types: str) -> Callable[[Request], Awaitable[None]]:
    """A dependency refusing (415) a body whose Content-Type is missing or not one of
    ``media_types`` (``application/json`` also admits ``application/<anything>+json``)."""

    async def check(request: Request) -> None:
        if request.method not in BODY_METHODS or not _has_body(request):
            return
        media_type = media_type_of(request)
        if media_type in media_types or (JSON in media_types and _is_json(media_type)):
            return
        raise Problem(
            415,
            "unsupported-media-type",
            "Tipo de contenido no admitido",
            f"El cuerpo de la petición debe enviarse como {' o '.join(media_types)}.",
            headers={"Accept": ", ".join(media_types)},
        )

    return check


def media_type_of(request: Request) -> str:
    """The request body's media type, lowercase, without parameters ("" when none is declared)."""
    return _media_type(request.headers.get("content-type", ""))


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return "transfer-encoding" in request.headers or (length is not None and length.strip() != "0")


def _media_type(content_type: str) -> str:
    message = Message()
    message["content-type"] = content_type
    return message.get_content_type() if content_type else ""


def _is_json(media_type: str) -> bool:
    kind, _, subtype = media_type.partition("/")
    return kind == "application" and subtype.endswith("+json")
