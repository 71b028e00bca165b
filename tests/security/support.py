"""What the security tests share: the gateway's routes as its running OpenAPI document lists them,
a way to call each with a valid body, problem+json checks, a case's state to compare before and
after, and raw HTTP for what httpx refuses to send (control characters in headers, bodies cut
short)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

PROBLEM: Final = "application/problem+json"
PARAMETER: Final = re.compile(r"\{([a-z_]+)\}")

RECLASSIFICATION: Final = {
    "case_type": "consulta",
    "subject": "gestion_autorizaciones",
    "category": "datos_contacto",
}
BODIES: Final[dict[str, dict[str, Any]]] = {
    "POST /v1/authorizations/{authorization}/cases": {
        **RECLASSIFICATION,
        "affects_current_period": False,
        "title": "Consulta de seguridad",
        "description": "Una consulta que nunca debería abrirse.",
    },
    "PUT /v1/authorizations/{authorization}/contact": {"email": "intruso@ejemplo.es", "consent": True},
    "POST /v1/authorizations/{authorization}/cases/{case_number}/information": {"text": "Más datos."},
    "POST /v1/authorizations/{authorization}/cases/{case_number}/reclassification": RECLASSIFICATION,
    "POST /v1/authorizations/{authorization}/cases/{case_number}/annulment": {"reason": "Ya no procede."},
    "POST /v1/authorizations/{authorization}/cases/{case_number}/rating": {"score": 5},
    "POST /v1/backoffice/cases/{case_number}/assignment": {},
    "POST /v1/backoffice/cases/{case_number}/escalation": {"observations": "Al área de cotización."},
    "POST /v1/backoffice/cases/{case_number}/information-request": {"message": "Aporte el parte."},
    "POST /v1/backoffice/cases/{case_number}/reclassification-request": {"message": "Es de cotización."},
    "POST /v1/backoffice/cases/{case_number}/annulment-decision": {"approve": True},
    "POST /v1/backoffice/cases/{case_number}/resolution": {"answer": "Resuelto."},
}
"""A valid body for every route that takes one, so that what refuses a call is who makes it and
never what it sends. A new route that takes a body fails :func:`call_of` until it is added here."""


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    media_types: tuple[str, ...]
    """The media types of its request body (none: it takes no body)."""

    @property
    def takes_body(self) -> bool:
        return bool(self.media_types)

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def parameters(self) -> list[str]:
        return PARAMETER.findall(self.template)


@dataclass(frozen=True)
class Call:
    """One request: the route, the path with its parameters filled in, and its JSON body."""

    route: Route
    path: str
    body: dict[str, Any] | None = field(default=None)

    async def send(self, client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
        return await client.request(self.route.method, self.path, json=self.body, headers=headers)


async def served_routes(client: httpx.AsyncClient) -> list[Route]:
    """Every operation of the running gateway's /openapi.json."""
    response = await client.get("/openapi.json")
    response.raise_for_status()
    paths: dict[str, dict[str, Any]] = response.json()["paths"]
    return [
        Route(method.upper(), template, tuple(operation.get("requestBody", {}).get("content", {})))
        for template, operations in paths.items()
        for method, operation in operations.items()
    ]


def under(routes: Iterable[Route], prefix: str, *, needs: str | None = None) -> list[Route]:
    """The routes whose path starts with ``prefix`` (and has the parameter ``needs``)."""
    return [r for r in routes if r.template.startswith(prefix) and (needs is None or needs in r.parameters)]


def call_of(route: Route, values: dict[str, str]) -> Call:
    """``route`` with its path parameters from ``values`` and its body from :data:`BODIES`;
    raises (failing the test loudly) for a parameter or a body this suite does not know."""
    unknown = [p for p in route.parameters if p not in values]
    if unknown:
        raise LookupError(f"{route.name}: no value for {unknown}; teach the security suite this route")
    if route.takes_body and route.name not in BODIES:
        raise LookupError(f"{route.name}: no valid body known; add one to tests/security/support.BODIES")
    path = PARAMETER.sub(lambda m: values[m.group(1)], route.template)
    return Call(route, path, BODIES.get(route.name) if route.takes_body else None)


def assert_problem(response: httpx.Response, status: int, kind: str | None = None) -> None:
    """``response`` is problem+json with ``status`` (and the type ``/problems/<kind>``)."""
    where = f"{response.request.method} {response.request.url.path}"
    assert response.status_code == status, f"{where}: {response.status_code} {response.text[:300]}"
    assert response.headers["content-type"] == PROBLEM, f"{where}: {response.headers['content-type']}"
    problem = response.json()
    assert problem["status"] == status, problem
    if kind is not None:
        assert problem["type"] == f"/problems/{kind}", f"{where}: {problem}"


async def case_state(client: httpx.AsyncClient, case_path: str, headers: dict[str, str]) -> dict[str, Any]:
    """What must not change when a request is refused: the case's version, substatus,
    documents, receipts and every entry of its history."""
    case = await client.get(case_path, headers=headers)
    history = await client.get(f"{case_path}/history", headers=headers)
    assert case.status_code == history.status_code == 200, (case.text, history.text)
    detail = case.json()
    return {
        "version": detail["version"],
        "substatus": detail["substatus"],
        "documents": detail["documents"],
        "receipts": [r["receipt_id"] for r in detail["receipts"]],
        "information": detail["information"],
        "history": history.json()["entries"],
    }


# --- raw HTTP -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header_names(self) -> set[str]:
        return {name.lower() for name, _ in self.headers}

    def header(self, name: str) -> str | None:
        return next((v for n, v in self.headers if n.lower() == name.lower()), None)


async def raw_exchange(base_url: str, head: bytes, body: bytes | Iterator[bytes] = b"") -> RawAnswer:
    """Send ``head`` (request line and headers, as bytes, without the blank line) and ``body``
    (bytes, or chunks sent until the server answers) on a new connection; the answer as parsed
    from the wire."""
    address = urlsplit(base_url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    try:
        # A whole body goes out with the head, in one write: a server that refuses the head and
        # closes has then read all it was sent, and closes without a reset that could lose its answer.
        writer.write(head + b"\r\n\r\n" + (body if isinstance(body, bytes) else b""))
        answer = asyncio.ensure_future(_read_answer(reader))
        for chunk in [] if isinstance(body, bytes) else body:
            if answer.done():
                break
            writer.write(chunk)
            try:
                await writer.drain()
            except ConnectionError:
                break
            await asyncio.sleep(0)
        return await asyncio.wait_for(answer, 15)
    finally:
        writer.close()


async def _read_answer(reader: asyncio.StreamReader) -> RawAnswer:
    status_line = await reader.readline()
    headers: list[tuple[str, str]] = []
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").rstrip("\r\n").partition(":")
        headers.append((name, value.strip()))
    length = next((int(v) for n, v in headers if n.lower() == "content-length"), None)
    body = await (reader.readexactly(length) if length is not None else reader.read())
    return RawAnswer(int(status_line.split()[1]), headers, body)


def request_head(method: str, path: str, *headers: bytes) -> bytes:
    """A request line and headers (each given as raw ``Name: value`` bytes), on a connection
    the server closes after answering."""
    lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", b"Connection: close", *headers]
    return b"\r\n".join(lines)
