"""Each contract test runs on the fakes and on the real MongoDB (``port_backends.py``)."""

from __future__ import annotations

import pytest

from .port_backends import Backend, in_memory, in_mongo


@pytest.fixture(params=["fake", pytest.param("mongo", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "fake":
        return in_memory()
    return in_mongo(request.getfixturevalue("mongo"), request.getfixturevalue("db"))
