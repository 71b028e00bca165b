"""Named points where a process can be made to die on purpose, for the crash tests.

``CASIA_FAILPOINTS`` (a setting, comma-separated) names the points at which this process kills
itself with SIGKILL — no cleanup, no flush, as a power cut or the OOM killer would. The crash
tests start a service instance of their own with it set, so the instant of death is the one the
test is about (e.g. after a PDF is stored and before it is recorded). Unset, as everywhere but in
those tests, reaching a point does nothing.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass

from casia_runtime.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Failpoints:
    armed: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, setting: str) -> Failpoints:
        return cls(frozenset(name.strip() for name in setting.split(",") if name.strip()))

    def reach(self, name: str) -> None:
        """Die here if ``name`` is armed."""
        if name in self.armed:
            log.warning("failpoint.reached", failpoint=name)
            os.kill(os.getpid(), signal.SIGKILL)


NONE = Failpoints()
