"""kustomize and kubeconform (pinned, built with `go install` into the cache) and what they do here:
render an overlay, validate what it renders."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from casia_k8s.schemas import K8S_DIR, KUBERNETES_VERSION, ensure_schemas
from casia_local.golang import ensure_built
from casia_local.report import StackError
from casia_local.settings import Settings

KUSTOMIZE = ("sigs.k8s.io/kustomize/kustomize/v5", "v5.7.1", "kustomize")
KUBECONFORM = ("github.com/yannh/kubeconform/cmd/kubeconform", "v0.8.0", "kubeconform")
OVERLAYS = ("dev", "prod")
FALLBACK = "render with `kubectl kustomize deploy/k8s/overlays/<overlay>` where kubectl is installed"


@dataclass(frozen=True)
class Validation:
    """What kubeconform said about one rendering."""

    valid: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Toolkit:
    kustomize: Path
    kubeconform: Path
    schemas: Path

    @classmethod
    def ensure(cls, settings: Settings) -> Toolkit:
        """Builds what is missing (first time: ~3 min for kustomize, ~1 min for the schemas)."""
        package, version, name = KUSTOMIZE
        kustomize = ensure_built(
            settings, package=package, version=version, executable=name, fallback=FALLBACK
        )
        package, version, name = KUBECONFORM
        kubeconform = ensure_built(
            settings, package=package, version=version, executable=name, fallback=FALLBACK
        )
        return cls(kustomize, kubeconform, ensure_schemas(settings))

    def render(self, overlay: str) -> str:
        """`kustomize build` of deploy/k8s/overlays/<overlay>: every object as one YAML stream."""
        if overlay not in OVERLAYS:
            raise StackError("kustomize", f"no overlay {overlay!r}; one of {', '.join(OVERLAYS)}")
        folder = K8S_DIR / "overlays" / overlay
        result = subprocess.run(
            [str(self.kustomize), "build", str(folder)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise StackError("kustomize", f"build {folder} failed:\n{result.stderr.strip()}", FALLBACK)
        return result.stdout

    def validate(self, manifests: str) -> Validation:
        """kubeconform in strict mode against the cached schemas only (no network): an object of
        a kind without a schema is a problem, as is an unknown field or a wrong type."""
        kinds = self.schemas / "kubernetes" / "{{ .ResourceKind }}{{ .KindSuffix }}.json"
        crds = self.schemas / "crds" / "{{ .Group }}" / "{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
        argv = [
            str(self.kubeconform),
            "-strict",
            "-summary",
            "-output",
            "json",
            "-kubernetes-version",
            KUBERNETES_VERSION,
            "-schema-location",
            str(kinds),
            "-schema-location",
            str(crds),
            "-",
        ]
        result = subprocess.run(argv, input=manifests, capture_output=True, text=True, check=False)
        try:
            report: dict[str, Any] = json.loads(result.stdout)
        except json.JSONDecodeError as error:
            raise StackError("kubeconform", f"unreadable output: {result.stdout}{result.stderr}") from error
        problems = [
            f"{item.get('kind')}/{item.get('name')}: {item.get('status')}: {item.get('msg')}"
            for item in report.get("resources") or []
            if item.get("status") != "statusValid"
        ]
        if result.returncode != 0 and not problems:
            problems.append(f"kubeconform exited {result.returncode}: {result.stderr.strip()}")
        return Validation(valid=int(report.get("summary", {}).get("valid", 0)), problems=problems)


def documents(manifests: str) -> list[dict[str, Any]]:
    """The objects of a rendered YAML stream."""
    return [document for document in yaml.safe_load_all(manifests) if document]
