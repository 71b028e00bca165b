"""`casia-local images`: one image per service, built from deploy/images/Dockerfile.

The build context is made here, not taken from the working tree: the lockfile and every workspace
member's pyproject.toml (``meta/``, the dependency layer, reused until they change), then the
members' sources without their tests (``source/``). Each image is tagged casia/<service>:<version>
(the service package's version) and casia/<service>:latest, and labelled with the commit.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import time
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from casia_local.engine import BASE_IMAGE, Engine, ensure_base_image
from casia_local.report import say
from casia_local.settings import DEFAULT_SERVICE_PORTS, SERVICE_NAMES

REGISTRY = "casia"
SYSTEM_PACKAGES: Mapping[str, str] = {
    # WeasyPrint draws the receipts' PDFs with Pango and HarfBuzz; DejaVu is the receipts' font.
    "receipts": "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core",
}
EXTRA_CERTIFICATES = Path("/usr/local/share/ca-certificates")
"""Certificate authorities this machine adds to Debian's; the build stage trusts them too."""
_SKIPPED_PARTS = frozenset({"__pycache__", "tests", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


@dataclass(frozen=True)
class Image:
    """One service's image: its name, tags and the build arguments that make it."""

    service: str
    version: str
    commit: str

    @property
    def name(self) -> str:
        return f"{REGISTRY}/{self.service}"

    @property
    def tag(self) -> str:
        return f"{self.name}:{self.version}"

    @property
    def http_port(self) -> int:
        return DEFAULT_SERVICE_PORTS[self.service]

    def build_args(self, *, base: str = BASE_IMAGE) -> dict[str, str]:
        return {
            "BASE_IMAGE": base,
            "SERVICE": self.service,
            "HTTP_PORT": str(self.http_port),
            "SYSTEM_PACKAGES": SYSTEM_PACKAGES.get(self.service, ""),
            "VERSION": self.version,
            "COMMIT": self.commit,
        }


def images(repo: Path, services: Iterable[str] = SERVICE_NAMES) -> list[Image]:
    commit = current_commit(repo)
    return [Image(name, package_version(repo, name), commit) for name in services]


def package_version(repo: Path, service: str) -> str:
    project = tomllib.loads((repo / "services" / service / "pyproject.toml").read_text())["project"]
    return str(project["version"])


def current_commit(repo: Path) -> str:
    """The commit checked out, with ``-dirty`` when the tree has changes; ``unknown`` outside git."""
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, check=False)
    if head.returncode != 0:
        return "unknown"
    changed = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        check=False,
    )
    suffix = "-dirty" if changed.stdout.strip() else ""
    return head.stdout.decode().strip() + suffix


def workspace_members(repo: Path) -> list[Path]:
    """The member folders that the root pyproject.toml's [tool.uv.workspace] globs name."""
    root = tomllib.loads((repo / "pyproject.toml").read_text())
    found: list[Path] = []
    for pattern in root["tool"]["uv"]["workspace"]["members"]:
        found += sorted(path.parent for path in repo.glob(f"{pattern}/pyproject.toml"))
    return found


def build_context(repo: Path) -> bytes:
    """The tar stream sent to the engine: the Dockerfile, meta/ and source/ (see the module doc)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        folder = repo / "deploy" / "images"
        add_file(archive, folder / "Dockerfile", "Dockerfile")
        add_file(archive, folder / "casia-entrypoint.sh", "casia-entrypoint.sh", mode=0o755)
        add_folder(archive, "certs")
        for certificate in sorted(EXTRA_CERTIFICATES.glob("*.crt")):
            add_file(archive, certificate, f"certs/{certificate.name}")
        for name in ("pyproject.toml", "uv.lock"):
            add_file(archive, repo / name, f"meta/{name}")
        for member in workspace_members(repo):
            relative = member.relative_to(repo)
            add_file(archive, member / "pyproject.toml", f"meta/{relative}/pyproject.toml")
            add_file(archive, member / "pyproject.toml", f"source/{relative}/pyproject.toml")
            for path in _sources(member / "src"):
                add_file(archive, path, f"source/{path.relative_to(repo)}")
    return buffer.getvalue()


def _sources(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not _SKIPPED_PARTS.intersection(path.relative_to(folder).parts):
            yield path


def add_folder(archive: tarfile.TarFile, name: str) -> None:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = 0o755
    archive.addfile(info)


def add_file(archive: tarfile.TarFile, path: Path, name: str, *, mode: int = 0o644) -> None:
    """Adds one file with fixed owner and time, so the same sources make the same context."""
    info = tarfile.TarInfo(name)
    data = path.read_bytes()
    info.size = len(data)
    info.mode = mode
    archive.addfile(info, io.BytesIO(data))


def build(engine: Engine, image: Image, context: bytes) -> float:
    """Builds one image (host network: the build reaches Debian's mirror and PyPI); its seconds."""
    started = time.monotonic()
    engine.build(tags=[image.tag, f"{image.name}:latest"], build_args=image.build_args(), context=context)
    elapsed = time.monotonic() - started
    say("image.built", image=image.tag, seconds=elapsed)
    return elapsed


def build_all(engine: Engine, repo: Path, services: Iterable[str] = SERVICE_NAMES) -> list[Image]:
    """Makes the base image if missing, then builds every image (cached layers reused)."""
    ensure_base_image(engine)
    context = build_context(repo)
    wanted = images(repo, services)
    for image in wanted:
        build(engine, image, context)
    return wanted
