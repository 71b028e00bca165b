"""Bodies too large or nested too deep are refused before they cost anything (API.md; issue 9):
413 problem+json for a body over the limit, whether it declares its length or comes chunked,
and 422 problem+json for JSON nested thousands of levels deep or holding a number of thousands
of digits, on every route that takes JSON; never a 500, and the gateway stays healthy.

That at most the limit is read (and not the whole body) is unit-tested on fakes in
services/intake/tests/unit/test_hostile_requests.py; a multipart body declared over the upload
limit in tests/test_documents.py. Here: the real server, through the wire.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from casia_intake.settings import IntakeSettings

from ..conftest import Autorizado, Tramitador, new_autorizado, new_tramitador
from ..journeys import open_case
from .support import (
    Route,
    assert_problem,
    raw_exchange,
    request_head,
    served_routes,
)

pytestmark = pytest.mark.e2e

JSON = "application/json"
LIMIT = IntakeSettings().max_body_bytes
DEPTH = 10_000
HOSTILE_JSON = {
    "arrays 10,000 deep": b"[" * DEPTH + b"]" * DEPTH,
    "objects 10,000 deep": b'{"a":' * DEPTH + b"1" + b"}" * DEPTH,
    "a number of 5,000 digits": b'{"score": ' + b"7" * 5_000 + b"}",
}


@dataclass(frozen=True)
class Callers:
    autorizado: Autorizado
    clerk: Tramitador
    case_number: str

    def path_and_token(self, route: Route) -> tuple[str, str]:
        values = {"authorization": self.autorizado.authorization.number, "case_number": self.case_number}
        path = route.template.format(**values)
        caller = self.clerk if route.template.startswith("/v1/backoffice/") else self.autorizado
        return path, caller.headers["Authorization"]


@pytest.fixture(scope="module")
async def callers(session_client: httpx.AsyncClient) -> Callers:
    autorizado = new_autorizado()
    opened = await open_case(session_client, autorizado.cases_path, autorizado.headers)
    assert opened.status_code in (201, 202), opened.text
    return Callers(autorizado, new_tramitador(), opened.json()["case_number"])


@pytest.fixture(scope="module")
async def json_routes(session_client: httpx.AsyncClient) -> list[Route]:
    taking_json = [r for r in await served_routes(session_client) if JSON in r.media_types]
    assert len(taking_json) >= 12, [r.name for r in taking_json]  # contact, alta, 4 + 6 actions
    return taking_json


async def assert_still_serving(client: httpx.AsyncClient, callers: Callers) -> None:
    assert (await client.get("/healthz")).status_code == 200
    assert (await client.get("/v1/me", headers=callers.autorizado.headers)).status_code == 200


async def test_a_body_declaring_more_than_the_limit_is_413_on_every_json_route_before_it_is_sent(
    session_client: httpx.AsyncClient, gateway_url: str, json_routes: list[Route], callers: Callers
) -> None:
    for route in json_routes:
        path, token = callers.path_and_token(route)
        head = request_head(
            route.method,
            path,
            f"Authorization: {token}".encode(),
            f"Content-Type: {JSON}".encode(),
            f"Content-Length: {2 * LIMIT}".encode(),
        )

        answer = await raw_exchange(gateway_url, head)  # the body is never sent

        assert answer.status == 413, (route.name, answer.status, answer.body[:200])
        assert answer.header("content-type") == "application/problem+json", route.name
        assert b"/problems/content-too-large" in answer.body
    await assert_still_serving(session_client, callers)


def chunked_just_over(limit: int) -> Iterator[bytes]:
    """``limit`` bytes in 64 KiB chunks, then a chunk of one byte more, and no last chunk: the
    server must answer while the body is still coming. (Nothing it was sent is left unread when
    it closes, so the connection ends with its answer, not with a reset.)"""
    piece = b" " * (64 * 1024)
    for _ in range(limit // len(piece)):
        yield b"%x\r\n%b\r\n" % (len(piece), piece)
    yield b"%x\r\n%b\r\n" % (limit % len(piece) + 1, b" " * (limit % len(piece) + 1))


async def test_a_chunked_body_over_the_limit_is_cut_with_413(
    session_client: httpx.AsyncClient, gateway_url: str, json_routes: list[Route], callers: Callers
) -> None:
    for route in json_routes:
        path, token = callers.path_and_token(route)
        head = request_head(
            route.method,
            path,
            f"Authorization: {token}".encode(),
            f"Content-Type: {JSON}".encode(),
            b"Transfer-Encoding: chunked",
        )

        answer = await raw_exchange(gateway_url, head, chunked_just_over(LIMIT))

        assert answer.status == 413, (route.name, answer.status, answer.body[:200])
        assert b"/problems/content-too-large" in answer.body
    await assert_still_serving(session_client, callers)


@pytest.mark.parametrize("hostile", HOSTILE_JSON)
async def test_json_nested_too_deep_or_with_a_huge_number_is_422_on_every_json_route(
    session_client: httpx.AsyncClient, json_routes: list[Route], callers: Callers, hostile: str
) -> None:
    body = HOSTILE_JSON[hostile]
    assert len(body) < LIMIT  # refused for its shape, not its size

    for route in json_routes:
        path, token = callers.path_and_token(route)
        headers = {"Authorization": token, "Content-Type": JSON}

        answer = await session_client.request(route.method, path, content=body, headers=headers)

        assert_problem(answer, 422, "validation-error")
        assert [e["kind"] for e in answer.json()["errors"]] == ["json_invalid"], route.name
    await assert_still_serving(session_client, callers)


async def test_the_case_part_of_a_multipart_alta_nested_too_deep_is_422(
    session_client: httpx.AsyncClient, callers: Callers
) -> None:
    deep = "[" * DEPTH + "]" * DEPTH
    headers = callers.autorizado.headers

    answer = await session_client.post(
        callers.autorizado.cases_path, files={"case": (None, deep)}, headers=headers
    )

    assert_problem(answer, 422, "validation-error")
    assert answer.json()["errors"][0]["location"] == ["case"]
    await assert_still_serving(session_client, callers)
