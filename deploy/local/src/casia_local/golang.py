"""Go-built pieces: `go install` of a pinned module version into the cache's bin folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from casia_local.piece import require_tool, run_install, say_cached
from casia_local.settings import Settings


def go_install(settings: Settings, target: str, *, piece: str, fallback: str) -> None:
    """`go install module@version` into <cache>/bin as a static binary (no cgo)."""
    go = require_tool(piece, "go", fallback)
    env = dict(os.environ, GOBIN=str(settings.cache_bin), CGO_ENABLED="0")
    settings.cache_bin.mkdir(parents=True, exist_ok=True)
    run_install(piece, [go, "install", target], env=env, fallback=fallback)


def ensure_built(settings: Settings, *, package: str, version: str, executable: str, fallback: str) -> Path:
    """<cache>/bin/`executable`, built first by `go install package@version` when it is missing or
    was built from another version. For Go commands other code runs (not pieces of the stack)."""
    binary = settings.cache_bin / executable
    if not is_built(binary, version):
        go_install(settings, f"{package}@{version}", piece=executable, fallback=fallback)
    return binary


def is_built(binary: Path, version: str) -> bool:
    """True when `binary` exists and was built from `version` (unchecked when go is not on PATH)."""
    if not binary.is_file():
        return False
    found = built_version(binary)
    return found is None or found == version


def built_version(binary: Path) -> str | None:
    """The main module version that `go version -m` reads from a Go binary."""
    go = shutil.which("go")
    if go is None:
        return None
    result = subprocess.run([go, "version", "-m", str(binary)], capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        fields = line.split()
        if fields[:1] == ["mod"] and len(fields) >= 3:
            return fields[2]
    return None


class GoBuiltPiece:
    """Install behaviour shared by the pieces built from a pinned Go module into the cache.

    A subclass names ``module``, ``version``, ``executable`` and its ``fallback`` text, and has
    ``settings`` and ``name`` (the pieces are dataclasses).
    """

    settings: Settings
    name: str
    module: str
    version: str
    executable: str

    @property
    def fallback(self) -> str:
        raise NotImplementedError

    @property
    def binary(self) -> Path:
        return self.settings.cache_bin / self.executable

    def is_installed(self) -> bool:
        return is_built(self.binary, self.version)

    def install(self) -> None:
        if self.is_installed():
            say_cached(self.name, self.binary)
            return
        go_install(self.settings, f"{self.module}@{self.version}", piece=self.name, fallback=self.fallback)
