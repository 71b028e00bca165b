"""One request's correlation id follows its case through the logs of intake, workflow and notifier.

Reads the JSON log files of the local stack (casia-local writes one per process), as an operator
searching by correlation id would.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from casia_local.settings import Settings

from .conftest import Autorizado
from .journeys import open_case

pytestmark = pytest.mark.e2e

SERVICES = ("intake", "workflow", "notifier")


def lines_with(logs: Path, service: str, correlation_id: str) -> list[dict[str, Any]]:
    found = []
    for line in (logs / f"{service}.log").read_text(errors="replace").splitlines():
        if correlation_id in line and line.startswith("{"):
            record: dict[str, Any] = json.loads(line)
            if record.get("correlation_id") == correlation_id:
                found.append(record)
    return found


async def test_a_request_id_is_the_correlation_id_of_every_log_line_about_its_case(
    client: httpx.AsyncClient, autorizado: Autorizado
) -> None:
    logs = Settings.from_env().logs_dir
    request_id = f"req-{uuid.uuid4().hex}"

    headers = {**autorizado.headers, "X-Request-ID": request_id}

    opened = await open_case(client, autorizado.cases_path, headers)

    assert opened.headers["X-Request-ID"] == request_id
    case_number = opened.json()["case_number"]
    deadline = time.monotonic() + 20
    found: dict[str, list[dict[str, Any]]] = {}
    while time.monotonic() < deadline:
        found = {service: lines_with(logs, service, request_id) for service in SERVICES}
        if all(found.values()):
            break
        await asyncio.sleep(0.3)
    assert {s for s, lines in found.items() if lines} == set(SERVICES)
    for service, lines in found.items():
        assert any(line.get("case_number") == case_number for line in lines), service
        assert all(line["service"] == service for line in lines)
