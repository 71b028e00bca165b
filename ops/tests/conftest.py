"""Fixtures the operator-command tests share."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from pymongo import MongoClient

from casia_runtime.settings import RuntimeSettings


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database of the test's own, named by CASIA_MONGO_DB for the command; dropped after."""
    name = f"casia_ops_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("CASIA_MONGO_DB", name)
    client: MongoClient[dict[str, object]] = MongoClient(RuntimeSettings().mongo_uri)
    try:
        yield name
    finally:
        client.drop_database(name)
        client.close()
