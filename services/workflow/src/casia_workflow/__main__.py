"""``casia-workflow``: run the workflow service on 127.0.0.1:$CASIA_HTTP_PORT (default 8001)."""

from __future__ import annotations

from casia_runtime.worker import run_service
from casia_workflow.bootstrap import bootstrap
from casia_workflow.settings import WorkflowSettings


def main() -> None:
    run_service(WorkflowSettings(), bootstrap)


if __name__ == "__main__":
    main()
