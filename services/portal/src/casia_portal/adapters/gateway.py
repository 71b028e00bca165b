"""The gateway's public API, as the portal uses it: one pooled HTTP client, the user's token
forwarded on every call, problem+json turned into :class:`ApiProblem`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class ApiProblem(Exception):
    """What the API refused and why, in its own (Spanish) words."""

    status: int
    problem: Mapping[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.problem.get("title") or "No se pudo completar la operación")

    @property
    def detail(self) -> str:
        return str(self.problem.get("detail") or "")

    def field_errors(self) -> dict[str, str]:
        """The message for each field the API named (catalog, validation or a file's index)."""
        found: dict[str, str] = {}
        for error in self.problem.get("errors") or []:
            name = error.get("field") or _last_field(error.get("location") or [])
            if name:
                found.setdefault(str(name), str(error.get("message", "")))
        if "file_index" in self.problem:
            found[f"files.{self.problem['file_index']}"] = self.detail
        return found


def _last_field(location: list[Any]) -> str:
    names = [str(part) for part in location if isinstance(part, str) and part not in {"body", "case"}]
    return names[-1] if names else ""


@dataclass(frozen=True)
class Download:
    """A file the API streams: its headers and its chunks (close ``response`` when done)."""

    headers: Mapping[str, str]
    chunks: AsyncIterator[bytes]
    response: httpx.Response


class Gateway:
    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )
        # Each call carries the page's trace context: one trace from the browser's request on.
        HTTPXClientInstrumentor.instrument_client(self._http)

    async def close(self) -> None:
        await self._http.aclose()

    async def get(self, path: str, token: str | None, *, params: Mapping[str, str] | None = None) -> Any:
        response = await self._http.get(path, headers=_auth(token), params=params)
        return _json(response)

    async def post(
        self, path: str, token: str | None, *, headers: Mapping[str, str] | None = None, **body: Any
    ) -> Any:
        """POST ``body`` as httpx takes it: ``json=``, or ``data=`` and ``files=`` (multipart, the
        files streamed from their file objects)."""
        sent = {**_auth(token), **(headers or {})}
        return _json(await self._http.post(path, headers=sent, **body))

    async def put(self, path: str, token: str | None, *, json: Any) -> Any:
        return _json(await self._http.put(path, headers=_auth(token), json=json))

    async def download(self, path: str, token: str | None) -> Download:
        request = self._http.build_request("GET", path, headers=_auth(token))
        response = await self._http.send(request, stream=True)
        if response.status_code != 200:
            await response.aread()
            await response.aclose()
            _json(response)
        return Download(headers=response.headers, chunks=response.aiter_bytes(), response=response)


def _auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _json(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        is_problem = response.headers.get("content-type", "").startswith(PROBLEM)
        raise ApiProblem(response.status_code, response.json() if is_problem else {})
    return response.json() if response.content else None
