"""The rig most unit tests drive the use cases with (``tests/rig.py``)."""

from __future__ import annotations

import pytest

from ..rig import Rig


@pytest.fixture
def rig() -> Rig:
    return Rig()
