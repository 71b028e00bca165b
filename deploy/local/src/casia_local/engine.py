"""A Docker engine for building and running CASIA's images on this machine.

No image registry is reachable here and no bridge network is allowed, so: the engine is Debian's
`docker.io`, started by us (``--iptables=false --bridge=none``) when none answers, with its data
root under $CASIA_CACHE/docker so the layer cache outlives a fresh clone, and stopped by PID when
we are done; the base image is made with debootstrap and ``docker import``, once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from casia_local.process import Launch, Supervisor
from casia_local.report import StackError, say

ENGINE = "dockerd"
BASE_IMAGE = "casia-base:bookworm"
SYSTEM_PACKAGES = ("docker.io", "debootstrap", "docker-compose")
"""The engine, the base image's maker, and compose v1.29 (validates compose files offline)."""
_FALLBACK = "run as root: apt-get install -y docker.io debootstrap docker-compose"


@dataclass(frozen=True)
class Engine:
    """An engine that answers on `host` (a DOCKER_HOST value)."""

    host: str
    pid: int = 0
    """The PID of the engine's process when we started it; 0 for an engine found running."""

    @property
    def env(self) -> dict[str, str]:
        return dict(os.environ, DOCKER_HOST=self.host)

    def docker(self, *args: str, stdin: bytes | None = None, check: bool = True) -> str:
        """Runs `docker ARGS` against this engine; the standard output, or StackError on failure."""
        done = subprocess.run(["docker", *args], input=stdin, capture_output=True, env=self.env, check=False)
        if check and done.returncode != 0:
            cause = done.stderr.decode(errors="replace").strip()[-2000:]
            raise StackError("docker", f"docker {args[0]} failed: {cause}")
        return done.stdout.decode(errors="replace")

    def build(self, *, tags: list[str], build_args: dict[str, str], context: bytes) -> None:
        """`docker build` of a tar context with the host's network (the build reaches Debian's
        mirror and PyPI); intermediate containers removed even when it fails."""
        args = [f"--build-arg={key}={value}" for key, value in build_args.items()]
        tagged = [f"--tag={tag}" for tag in tags]
        self.docker("build", "--network=host", "--force-rm", "--quiet", *args, *tagged, "-", stdin=context)

    def succeeds(self, *args: str) -> bool:
        """Whether `docker ARGS` exits 0 against this engine."""
        done = subprocess.run(["docker", *args], capture_output=True, env=self.env, check=False)
        return done.returncode == 0

    def answers(self) -> bool:
        return self.succeeds("version", "--format", "{{.Server.Version}}")

    def has_image(self, tag: str) -> bool:
        return self.succeeds("image", "inspect", tag)


def ensure_packages() -> None:
    """Installs the engine, debootstrap and docker-compose from Debian when one is missing."""
    if subprocess.run(["dpkg", "-s", *SYSTEM_PACKAGES], capture_output=True, check=False).returncode == 0:
        return
    say("engine.installing", packages=" ".join(SYSTEM_PACKAGES))
    done = subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", *SYSTEM_PACKAGES],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise StackError("docker", done.stderr.decode(errors="replace").strip()[-500:], _FALLBACK)


@contextmanager
def engine(cache: Path, *, env: Mapping[str, str] | None = None) -> Iterator[Engine]:
    """An engine that answers: DOCKER_HOST's, the system's, or one we start and stop by PID.

    An engine we find running (ours from another call included) is used and left running.
    """
    values = os.environ if env is None else env
    home = cache / "docker"
    candidates = [values["DOCKER_HOST"]] if values.get("DOCKER_HOST") else []
    candidates += ["unix:///var/run/docker.sock", f"unix://{home / 'docker.sock'}"]
    for host in candidates:
        if Engine(host).answers():
            yield Engine(host)
            return
    ensure_packages()
    supervisor = Supervisor(run_dir=home / "run", logs_dir=home)
    started = _start(supervisor, home)
    try:
        yield started
    finally:
        say("engine.stopping", pid=started.pid)
        supervisor.stop(ENGINE, timeout=30.0)


def _start(supervisor: Supervisor, home: Path, timeout: float = 60.0) -> Engine:
    dockerd = shutil.which("dockerd") or "/usr/sbin/dockerd"
    argv = [
        dockerd,
        "--iptables=false",
        "--bridge=none",
        f"--data-root={home / 'data'}",
        f"--exec-root={home / 'exec'}",
        f"--pidfile={home / 'dockerd.pid'}",
        f"--host=unix://{home / 'docker.sock'}",
    ]
    record = supervisor.start(Launch(ENGINE, argv, dict(os.environ)))
    say("engine.started", pid=record.pid, data_root=home / "data")
    started = Engine(f"unix://{home / 'docker.sock'}", pid=record.pid)
    deadline = time.monotonic() + timeout
    while not started.answers():
        if not record.is_alive() or time.monotonic() > deadline:
            supervisor.stop(ENGINE)
            raise StackError("docker", f"dockerd did not answer; see {supervisor.log_path(ENGINE)}")
        time.sleep(0.2)
    return started


_DPKG_SLIM = """\
# casia-base: no documentation, manual pages or translations in images (as Debian's slim images)
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
"""


def _slim(root: Path) -> None:
    """Drops apt's downloads and lists, documentation and translations (about 110 MB of 200)."""
    for pattern in ("var/cache/apt/*.bin", "var/cache/apt/archives/*.deb", "var/lib/apt/lists/*_*"):
        for path in root.glob(pattern):
            path.unlink()
    for folder in ("usr/share/man", "usr/share/info", "usr/share/locale"):
        shutil.rmtree(root / folder, ignore_errors=True)
        (root / folder).mkdir()
    for path in (root / "usr/share/doc").glob("*/*"):
        if path.name != "copyright" and path.is_file():
            path.unlink()
    (root / "etc/dpkg/dpkg.cfg.d/casia-slim").write_text(_DPKG_SLIM)


def ensure_base_image(engine: Engine, *, tag: str = BASE_IMAGE, suite: str = "bookworm") -> None:
    """Makes the base image (Debian minbase, about 30 s) unless the engine has it already."""
    if engine.has_image(tag):
        return
    say("engine.base_image", tag=tag, suite=suite)
    with tempfile.TemporaryDirectory(prefix="casia-rootfs-") as scratch:
        root = Path(scratch) / "root"
        done = subprocess.run(
            ["debootstrap", "--variant=minbase", suite, str(root)], capture_output=True, check=False
        )
        if done.returncode != 0:
            raise StackError("docker", done.stdout.decode(errors="replace")[-1000:], _FALLBACK)
        _slim(root)
        archive = subprocess.run(["tar", "-C", str(root), "-c", "."], capture_output=True, check=True)
        engine.docker("import", "-", tag, stdin=archive.stdout)
