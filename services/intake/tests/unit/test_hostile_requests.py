"""Requests a hostile or careless client sends: each refused plainly, before it costs or changes
anything, and nothing of it reflected back."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import jwt
import pytest

from ..builders import AUTHORIZATION, AUTORIZADO, DEV_SECRET
from ..gateway import BODY, CASES, Gateway, assert_problem, serving_fakes

MIB = 1 << 20


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    async with serving_fakes() as serving:
        yield serving


class CountingBody:
    """A request body of ``total`` bytes, sent in 64 KiB chunks, that counts what was taken."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.taken = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunk = b"x" * (64 * 1024)
        while self.taken < self.total:
            self.taken += len(chunk)
            yield chunk


# --- size ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("authenticated", [True, False], ids=["with a token", "without a token"])
async def test_a_body_over_the_limit_is_413_without_reading_it(gateway: Gateway, authenticated: bool) -> None:
    body = CountingBody(50 * MIB)
    headers = {"Content-Type": "application/json", "Content-Length": str(50 * MIB)}
    if authenticated:
        headers |= gateway.headers()

    response = await gateway.client.post(CASES, content=body, headers=headers)

    assert_problem(response, 413, "content-too-large")
    assert body.taken <= 64 * 1024  # at most the chunk in flight, never the 50 MB
    assert gateway.sender.sent == []


async def test_a_streamed_body_is_cut_at_the_limit(gateway: Gateway) -> None:
    body = CountingBody(50 * MIB)  # no Content-Length: chunked
    headers = {"Content-Type": "application/json", **gateway.headers()}

    response = await gateway.client.post(CASES, content=body, headers=headers)

    assert_problem(response, 413, "content-too-large")
    assert body.taken <= gateway.settings.max_body_bytes + 64 * 1024
    assert gateway.sender.sent == []


# --- types and media types -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["yes", "on", "1", "true", 1, 0, None])
async def test_a_boolean_is_only_true_or_false(gateway: Gateway, value: object) -> None:
    response = await gateway.client.post(
        CASES, json={**BODY, "affects_current_period": value}, headers=gateway.headers()
    )
    contact = await gateway.client.put(
        f"/v1/authorizations/{AUTHORIZATION.number}/contact",
        json={"email": "a@b.es", "consent": value},
        headers=gateway.headers(),
    )

    assert_problem(response, 422, "validation-error")
    assert_problem(contact, 422, "validation-error")
    assert gateway.sender.sent == []
    assert gateway.contacts.contacts == {}


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded"],
)
async def test_a_body_that_is_neither_json_nor_multipart_is_415(
    gateway: Gateway, content_type: str | None
) -> None:
    headers = gateway.headers() | ({"Content-Type": content_type} if content_type else {})

    response = await gateway.client.post(CASES, content=json.dumps(BODY).encode(), headers=headers)

    assert_problem(response, 415, "unsupported-media-type")
    assert response.headers["Accept"] == "application/json, multipart/form-data"
    assert gateway.sender.sent == []


async def test_json_with_a_charset_or_a_json_suffix_is_accepted(gateway: Gateway) -> None:
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        headers = gateway.headers() | {"Content-Type": content_type, "Idempotency-Key": content_type[:16]}

        response = await gateway.client.post(CASES, content=json.dumps(BODY).encode(), headers=headers)

        assert response.status_code == 202, response.text  # accepted (no workflow behind the fakes)


# --- text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Duda\x00",
        "Duda\r\nBcc: x@y.es",
        "Du\nda",
        "Duda\tsobre",
        "abc\u202etxt.exe",
        "Du\u200bda",
        "\ufeffDuda",
    ],
    ids=["NUL", "CR LF", "LF", "tab", "bidi override", "zero-width space", "byte-order mark"],
)
async def test_control_and_invisible_characters_in_a_single_line_field_are_422(
    gateway: Gateway, title: str
) -> None:
    response = await gateway.client.post(CASES, json={**BODY, "title": title}, headers=gateway.headers())

    assert_problem(response, 422, "validation-error")
    [error] = response.json()["errors"]
    assert error["location"] == ["body", "title"]
    assert error["message"].startswith("El texto contiene un carácter de control o invisible")
    assert gateway.sender.sent == []


async def test_additional_data_is_single_line_text_too(gateway: Gateway) -> None:
    body = {**BODY, "additional_data": {"ccc": "28123456789\u2066"}}

    response = await gateway.client.post(CASES, json=body, headers=gateway.headers())

    assert_problem(response, 422, "validation-error")
    assert gateway.sender.sent == []


async def test_a_description_keeps_its_lines_but_not_a_bidi_override(gateway: Gateway) -> None:
    refused = await gateway.client.post(
        CASES, json={**BODY, "description": "Línea 1\n\u202eLínea 2"}, headers=gateway.headers()
    )
    accepted = await gateway.client.post(
        CASES, json={**BODY, "description": "Línea 1\r\nLínea 2\r\tfin"}, headers=gateway.headers()
    )

    assert_problem(refused, 422, "validation-error")
    assert accepted.status_code == 202, accepted.text
    [command] = gateway.sent_commands()
    assert command.description == "Línea 1\nLínea 2\n\tfin"


async def test_text_is_stored_in_nfc(gateway: Gateway) -> None:
    decomposed = "Solicitud de afiliacio\u0301n"  # "ó" as o + combining acute accent

    response = await gateway.client.post(CASES, json={**BODY, "title": decomposed}, headers=gateway.headers())

    assert response.status_code == 202, response.text
    [command] = gateway.sent_commands()
    assert command.title == "Solicitud de afiliación"


# --- headers, tokens and what answers repeat ------------------------------------------------------


@pytest.mark.parametrize("key", ["", "   ", "clave con espacios", "clave\u00e9".encode(), "k" * 256])
async def test_an_empty_or_malformed_idempotency_key_is_422(gateway: Gateway, key: str | bytes) -> None:
    raw = key if isinstance(key, bytes) else key.encode()
    headers = [(name.encode(), value.encode()) for name, value in gateway.headers().items()]
    headers.append((b"idempotency-key", raw))

    response = await gateway.client.post(CASES, json=BODY, headers=headers)

    assert_problem(response, 422, "validation-error")
    assert [e["location"] for e in response.json()["errors"]] == [["header", "idempotency-key"]]
    assert gateway.sender.sent == []


async def test_an_invalid_token_is_answered_in_plain_words_not_the_librarys(gateway: Gateway) -> None:
    expired = jwt.encode(
        {
            "sub": AUTORIZADO.nif,
            "name": "Ana",
            "iss": "casia-local",
            "aud": "casia",
            "exp": int(time.time()) - 60,
        },
        key=DEV_SECRET,
    )

    response = await gateway.client.get("/v1/me", headers={"Authorization": f"Bearer {expired}"})

    assert_problem(response, 401, "invalid-token")
    assert response.json()["detail"] == "El token no es válido, ha caducado o no es de este servicio."


async def test_a_404_does_not_repeat_the_case_number_it_was_given(gateway: Gateway) -> None:
    hostile = "CAS-" + "9" * 10_000

    response = await gateway.client.get(f"{CASES}/{hostile}", headers=gateway.headers())
    history = await gateway.client.get(f"{CASES}/{hostile}/history", headers=gateway.headers())

    assert_problem(response, 404, "case-not-found")
    assert_problem(history, 404, "case-not-found")
    assert "9999" not in response.text  # neither in the detail nor in the instance
    assert "9999" not in history.text


async def test_a_403_does_not_repeat_the_authorization_it_was_given(gateway: Gateway) -> None:
    hostile = "<script>alert(1)<\\script>"

    response = await gateway.client.get(f"/v1/authorizations/{hostile}/contact", headers=gateway.headers())

    assert_problem(response, 403, "authorization-not-held")
    assert "script" not in response.text


# --- JSON the parser gives up on -----------------------------------------------------------------

DEEP = "[" * 10_000 + "]" * 10_000
LONG_NUMBER = '{"score": ' + "9" * 5_000 + "}"


@pytest.mark.parametrize("body", [DEEP, LONG_NUMBER], ids=["nested 10,000 deep", "a 5,000-digit number"])
@pytest.mark.parametrize("path", [CASES, f"/v1/authorizations/{AUTHORIZATION.number}/contact"])
async def test_json_the_parser_gives_up_on_is_422_not_500(gateway: Gateway, body: str, path: str) -> None:
    headers = {"Content-Type": "application/json", **gateway.headers()}
    method = gateway.client.post if path == CASES else gateway.client.put

    response = await method(path, content=body, headers=headers)

    assert_problem(response, 422, "validation-error")
    assert gateway.sender.sent == []
