"""The toolkit (built into the cache on first use) and both overlays rendered once per session."""

from __future__ import annotations

from typing import Any

import pytest

from casia_k8s.toolkit import OVERLAYS, Toolkit, documents
from casia_local.settings import Settings

# The first run on a machine builds kustomize (~2.5 min) and kubeconform with Go and makes the
# schemas (~1 min: Maven, Java, Go module downloads), all cached under ~/.cache/casia; later runs
# take seconds. The pytest timeout covers fixture setup, hence the room here.
COLD_BUILD_SECONDS = 900


@pytest.fixture(scope="session")
def toolkit() -> Toolkit:
    return Toolkit.ensure(Settings.from_env())


@pytest.fixture(scope="session")
def rendered(toolkit: Toolkit) -> dict[str, str]:
    """Each overlay's kustomize output, as text."""
    return {overlay: toolkit.render(overlay) for overlay in OVERLAYS}


@pytest.fixture(scope="session")
def objects(rendered: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Each overlay's objects."""
    return {overlay: documents(text) for overlay, text in rendered.items()}
