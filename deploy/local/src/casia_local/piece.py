"""What every piece of the stack offers, and the probes and install helpers they share."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from casia_local.process import Launch
from casia_local.report import StackError, say
from casia_local.settings import Endpoint


class Piece(Protocol):
    """One process of the stack (a server or a service)."""

    @property
    def name(self) -> str: ...

    @property
    def fallback(self) -> str:
        """What to do instead when this piece cannot run here."""
        ...

    @property
    def managed(self) -> bool:
        """True when casia-local starts and stops it; False for an existing server."""
        ...

    @property
    def endpoint(self) -> Endpoint:
        """The main address clients use."""
        ...

    def ports(self) -> tuple[int, ...]:
        """Every loopback port the managed process listens on (checked free before starting)."""
        ...

    def is_installed(self) -> bool: ...

    def install(self) -> None:
        """Idempotent; raises StackError naming the cause and the fallback."""
        ...

    def launch(self) -> Launch:
        """Prepares configuration and data folders, and says how to run the process."""
        ...

    def ready(self) -> bool:
        """One quick readiness probe; never raises for an unreachable server."""
        ...

    def initialise(self) -> None:
        """Idempotent set-up once ready (replica set, topics, buckets)."""
        ...


def tcp_open(endpoint: Endpoint, *, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((endpoint.host, endpoint.port), timeout=timeout):
            return True
    except OSError:
        return False


def http_status(url: str, *, timeout: float = 2.0) -> int | None:
    """The HTTP status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback URL we build)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, ValueError):
        return None


def require_tool(piece: str, tool: str, fallback: str) -> str:
    """The absolute path of a tool on PATH, or a StackError naming the piece that needs it."""
    found = shutil.which(tool)
    if found is None:
        raise StackError(piece, f"`{tool}` is not on PATH", fallback)
    return found


def run_install(piece: str, argv: Sequence[str], *, env: Mapping[str, str], fallback: str) -> None:
    """Runs one install command, printing what it does and how long it took."""
    say("install.start", piece=piece, command=" ".join(argv))
    started = time.monotonic()
    result = subprocess.run(list(argv), env=dict(env), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise StackError(piece, f"install failed (exit {result.returncode}):\n{tail}", fallback)
    say("install.done", piece=piece, seconds=time.monotonic() - started)


def say_cached(piece: str, path: Path) -> None:
    say("install.cached", piece=piece, path=path)
