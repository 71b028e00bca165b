"""A kept-alive connection left idle for longer than HTTP clients keep theirs (httpx: 5 s) is still
open on the gateway's side, so a client reusing it never loses a request to the server's close."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

IDLE_SECONDS = 6.0  # beyond httpx's keep-alive expiry, and beyond uvicorn's own default (5 s)


async def status_line(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> bytes:
    writer.write(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), timeout=10)
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    await reader.readexactly(length)
    return status.strip()


async def test_an_idle_kept_alive_connection_still_serves_the_next_request(gateway_url: str) -> None:
    address = urlsplit(gateway_url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    try:
        first = await status_line(reader, writer, address.netloc)
        await asyncio.sleep(IDLE_SECONDS)
        second = await status_line(reader, writer, address.netloc)
    finally:
        writer.close()

    assert (first, second) == (b"HTTP/1.1 200 OK", b"HTTP/1.1 200 OK")
