"""A TCP proxy a test can break, between a client and a real server: the network fault, not a fake.

``TcpProxy`` listens on a free loopback port and forwards to the real server. The test then:
- :meth:`refuse`: closes the listener and every connection (a server that is down);
- :meth:`freeze`: keeps connections open but forwards nothing either way, and accepts new ones
  that go nowhere (a server that hangs: a stopped process, a partition);
- :meth:`restore`: forwards again (new connections only, as after a real outage).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from types import TracebackType

CHUNK = 64 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, *, port: int | None = None) -> None:
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self._server: asyncio.Server | None = None
        self._flowing = asyncio.Event()
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def restore(self) -> None:
        """Accept and forward (again)."""
        self._flowing.set()
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def refuse(self) -> None:
        """Close the listener and cut every connection: connecting is refused."""
        if self._server is not None:
            self._server.close()
            self._server = None
        await self._cut()

    async def freeze(self) -> None:
        """Stop forwarding: open connections hang, new ones are accepted and hang too."""
        self._flowing.clear()
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def __aenter__(self) -> TcpProxy:
        await self.restore()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.refuse()

    async def _cut(self) -> None:
        for task in list(self._connections):
            task.cancel()
        for task in list(self._connections):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await self._flowing.wait()
            server_reader, server_writer = await asyncio.open_connection(*self.target)
            try:
                await asyncio.gather(
                    self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer)
                )
            finally:
                server_writer.close()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            client_writer.close()
            self._connections.discard(task)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(CHUNK):
            await self._flowing.wait()  # frozen: hold what was read, forward nothing
            writer.write(data)
            await writer.drain()
        writer.close()
