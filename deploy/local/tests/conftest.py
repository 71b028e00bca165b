"""The Docker engine and the images, shared by test_images.py and test_compose.py: one engine per
test session (ours, stopped by PID at the end, when none was running) and one build of each image."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from casia_local.engine import Engine, engine
from casia_local.images import Image, build_all
from casia_local.infra_images import InfraImage, build_infra
from casia_local.settings import Settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session")
def docker(settings: Settings) -> Iterator[Engine]:
    with engine(settings.cache) as found:
        yield found


@pytest.fixture(scope="session")
def built(docker: Engine, settings: Settings) -> list[Image]:
    """Every service's image (a warm layer cache makes this about half a minute)."""
    return build_all(docker, settings.repo)


@pytest.fixture(scope="session")
def built_infra(docker: Engine, settings: Settings) -> list[InfraImage]:
    """Kafka, MongoDB, MinIO and Mailpit for deploy/compose."""
    return build_infra(docker, settings)
