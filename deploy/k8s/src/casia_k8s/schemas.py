"""The JSON schemas kubeconform validates against, built once into the cache from pinned sources.

- Kubernetes' own kinds: the schemas the PyPI package kubernetes-validate ships (its version is
  pinned by uv.lock), for :data:`KUBERNETES_VERSION`.
- KEDA, the MongoDB community operator, the MinIO operator: the CRD files inside their Go modules,
  fetched with ``go mod download`` (the module's go.sum hash is pinned here and checked).
- Strimzi: its own CRD generator run over its API classes, both resolved from Maven Central by
  ``schemas/strimzi/pom.xml`` (that is how Strimzi makes the CRDs it ships).

Nothing here is fetched again once the cache folder is complete; its name is a fingerprint of
every pin, so changing a pin builds a new one.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

import yaml

from casia_k8s.convert import crd_schemas, standalone_kubernetes_schema
from casia_local.piece import require_tool, run_install
from casia_local.report import StackError, say
from casia_local.settings import Settings

PIECE = "k8s-schemas"
FALLBACK = (
    "validate against a cluster instead: kubectl apply --dry-run=server -k deploy/k8s/overlays/<overlay>"
)
K8S_DIR = Path(__file__).resolve().parents[2]
KUBERNETES_VERSION = "1.33.0"
FORMAT = 2
"""Raise when the conversion changes: the next run builds a new cache folder."""


@dataclass(frozen=True)
class GoModuleCrds:
    """CRD files read from a Go module's zip."""

    module: str
    version: str
    sum: str
    """The module zip's go.sum hash: a different download is refused."""
    paths: tuple[str, ...]


GO_MODULE_CRDS = (
    GoModuleCrds(
        "github.com/kedacore/keda/v2",
        "v2.21.0",
        "h1:R6z2HZvstK4RLUMxroNACzBj74xGxt3kG59b5Xc+Xps=",
        ("config/crd/bases/keda.sh_scaledobjects.yaml",),
    ),
    GoModuleCrds(
        "github.com/mongodb/mongodb-kubernetes-operator",
        "v0.13.0",
        "h1:tbR6z7f3DZmeQJgPsC+Xp193kdADMzcwFGqlTvO9gh0=",
        ("config/crd/bases/mongodbcommunity.mongodb.com_mongodbcommunity.yaml",),
    ),
    # The newest MinIO operator the Go module proxy serves here (January 2022, the v4.4 line).
    GoModuleCrds(
        "github.com/minio/operator",
        "v0.0.0-20220110040724-a5d59a342b7f",
        "h1:68HNranltwKT74ty57k+fbTnYcEZ50Nt7fnmcuX51jU=",
        ("helm/operator/crds/minio.min.io_tenants.yaml",),
    ),
)

STRIMZI_POM = K8S_DIR / "schemas" / "strimzi" / "pom.xml"
STRIMZI_VERSION = "0.45.0"
STRIMZI_KINDS = {
    "Kafka": "io.strimzi.api.kafka.model.kafka.Kafka",
    "KafkaNodePool": "io.strimzi.api.kafka.model.nodepool.KafkaNodePool",
    "KafkaTopic": "io.strimzi.api.kafka.model.topic.KafkaTopic",
}


def schema_dir(settings: Settings) -> Path:
    """Where the schemas of the current pins live: ``kubernetes/`` and ``crds/<group>/``."""
    return settings.cache / "k8s-schemas" / _fingerprint()


def ensure_schemas(settings: Settings) -> Path:
    """The schema folder, built first when missing (a minute or so: Maven, Java, Go downloads)."""
    target = schema_dir(settings)
    if (target / "COMPLETE").is_file():
        return target
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    say("install.start", piece=PIECE, folder=target)
    _write_kubernetes(partial / "kubernetes")
    work = partial / "work"
    work.mkdir(parents=True)
    for crd in [*_go_module_crds(settings), *_strimzi_crds(settings, work)]:
        for name, schema in crd_schemas(crd):
            path = partial / "crds" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(schema))
    shutil.rmtree(work)
    (partial / "COMPLETE").write_text(json.dumps(_pins(), indent=1))
    shutil.rmtree(target, ignore_errors=True)
    partial.replace(target)
    say("install.done", piece=PIECE, folder=target)
    return target


def _pins() -> list[Any]:
    return [
        FORMAT,
        KUBERNETES_VERSION,
        importlib.metadata.version("kubernetes-validate"),
        [astuple(source) for source in GO_MODULE_CRDS],
        STRIMZI_POM.read_text(),
        STRIMZI_KINDS,
    ]


def _fingerprint() -> str:
    return hashlib.sha256(json.dumps(_pins()).encode()).hexdigest()[:12]


def _write_kubernetes(folder: Path) -> None:
    package = importlib.resources.files("kubernetes_validate") / "kubernetes-json-schema"
    source = package / f"v{KUBERNETES_VERSION}-local-strict"
    definitions = json.loads((source / "_definitions.json").read_text())["$defs"]
    folder.mkdir(parents=True)
    for entry in source.iterdir():
        if entry.name.endswith(".json") and entry.name not in ("_definitions.json", "all.json"):
            schema = standalone_kubernetes_schema(json.loads(entry.read_text()), definitions)
            (folder / entry.name).write_text(json.dumps(schema))


def _go_module_crds(settings: Settings) -> Iterator[dict[str, Any]]:
    go = require_tool(PIECE, "go", FALLBACK)
    settings.cache.mkdir(parents=True, exist_ok=True)
    for source in GO_MODULE_CRDS:
        target = f"{source.module}@{source.version}"
        result = subprocess.run(
            [go, "mod", "download", "-json", target],
            capture_output=True,
            text=True,
            check=False,
            cwd=settings.cache,
        )
        info = json.loads(result.stdout) if result.stdout.strip() else {}
        if result.returncode != 0 or "Error" in info:
            raise StackError(
                PIECE, f"go mod download {target}: {info.get('Error') or result.stderr}", FALLBACK
            )
        if info.get("Sum") != source.sum:
            raise StackError(PIECE, f"{target} has hash {info.get('Sum')}, pinned {source.sum}", FALLBACK)
        with zipfile.ZipFile(info["Zip"]) as archive:
            for path in source.paths:
                yield yaml.safe_load(archive.read(f"{target}/{path}"))


def _strimzi_crds(settings: Settings, work: Path) -> list[dict[str, Any]]:
    """Strimzi's CRDs for API v1beta2, generated as its own build generates them."""
    mvn = require_tool(PIECE, "mvn", FALLBACK)
    java = require_tool(PIECE, "java", FALLBACK)
    classpath = work / "strimzi.classpath"
    resolve = [mvn, "-q", "-B", "-C", f"-Dmaven.repo.local={settings.cache / 'm2'}", "-f", str(STRIMZI_POM)]
    goal = ["dependency:build-classpath", "-DincludeScope=runtime", f"-Dmdep.outputFile={classpath}"]
    run_install(PIECE, [*resolve, *goal], env=os.environ, fallback=FALLBACK)
    outputs = {kind: work / f"{kind}.yaml" for kind in STRIMZI_KINDS}
    generate = [java, "io.strimzi.crdgenerator.CrdGenerator", "--target-kube", "1.16+"]
    versions = ["--crd-api-version", "v1", "--api-versions", "v1beta2", "--storage-version", "v1beta2"]
    kinds = [f"{STRIMZI_KINDS[kind]}={path}" for kind, path in outputs.items()]
    env = dict(os.environ, CLASSPATH=classpath.read_text().strip())
    run_install(PIECE, [*generate, *versions, "--yaml", *kinds], env=env, fallback=FALLBACK)
    return [yaml.safe_load(path.read_text()) for path in outputs.values()]
