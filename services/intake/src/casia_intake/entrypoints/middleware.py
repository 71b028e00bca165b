"""What happens to every request before any route sees it (pure ASGI, no buffering):

- :class:`RequestIds`: each request gets an id (the caller's ``X-Request-ID`` if short and plain,
  else a new one) that its logs, its problems and its response carry;
- :class:`BodyLimit`: a body above the limit is refused with 413 problem+json before it is read;
- :class:`UnexpectedErrors`: an error no handler took is answered 500 problem+json here, so it
  never reaches the server, which would close the client's kept-alive connection.
"""

from __future__ import annotations

import re
import uuid
from typing import Final

from fastapi import HTTPException
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casia_intake.entrypoints.problems import Problem, internal_error, occurrence, problem_response
from casia_runtime.logging import bound_correlation, get_logger

log = get_logger(__name__)

REQUEST_ID_HEADER: Final = "X-Request-ID"
# A caller's id is kept only if it is short and plain: it ends up in logs and in every event.
_ACCEPTABLE_REQUEST_ID: Final = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_UPLOADS: Final = ("multipart/", "application/pdf")
"""Bodies bounded by the upload limit (media types, lower-case, as the Content-Type starts)."""


class RequestIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = _header(scope, b"x-request-id") or ""
        request_id = offered if _ACCEPTABLE_REQUEST_ID.fullmatch(offered) else str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        with bound_correlation(request_id):
            await self.app(scope, receive, send_with_id)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"El cuerpo de la petición supera el máximo de {limit} bytes.")


class BodyLimit:
    """A declared ``Content-Length`` above the limit is answered at once, without calling the
    app; a body without one (chunked) is counted as the app reads it and cut at the limit. The
    limit is ``max_multipart_bytes`` for uploads (multipart bodies with files, or a PDF to
    verify, which is hashed as it streams in), ``max_bytes`` for the rest."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, max_multipart_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_multipart_bytes = max_multipart_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type = (_header(scope, b"content-type") or "").lower()
        limit = self.max_multipart_bytes if content_type.startswith(_UPLOADS) else self.max_bytes
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            too_large = BodyTooLarge(limit)
            problem = Problem(413, "content-too-large", "Petición demasiado grande", too_large.detail)
            instance = occurrence(scope.get("state", {}).get("request_id"))
            await problem_response(problem, instance=instance)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)  # FastAPI hands an HTTPException to its handler
            return message

        await self.app(scope, counted, send)


class UnexpectedErrors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            log.exception("request.failed", path=scope.get("path"))
            if started:  # half an answer is out: only closing the connection can say it failed
                raise
            instance = occurrence(scope.get("state", {}).get("request_id"))
            await problem_response(internal_error(), instance=instance)(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None
