"""Settings of the workflow service (``CASIA_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from casia_runtime.settings import RuntimeSettings


class WorkflowSettings(RuntimeSettings):
    service_name: str = "workflow"
    http_port: int = 8001
    closure_sweep_seconds: float = Field(default=60.0, gt=0)
    """How often the automatic-closure timer looks for cases past their information deadline."""
