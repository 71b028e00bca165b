"""Operability end to end: one request id followed through the logs, and metrics that count.

Reads the JSON log files of the local stack (casia-local writes one per process) and the
services' /metrics, as an operator would.
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
from casia_uploads import testing as samples

from .conftest import Autorizado
from .journeys import open_case
from .uploading import open_with_files

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


async def test_the_workflow_counts_what_it_handled_in_its_metrics(
    client: httpx.AsyncClient, autorizado: Autorizado
) -> None:
    metrics_url = f"http://127.0.0.1:{Settings.from_env().service_ports['workflow']}/metrics"
    handled = 'casia_messages_handled_total{outcome="handled",topic="casia.cases.commands.v1"}'

    async def count() -> float:
        async with httpx.AsyncClient() as http:
            text = (await http.get(metrics_url)).text
        # Several workflow processes may run; this one's count only has to move.
        values = [float(line.split()[-1]) for line in text.splitlines() if line.startswith(handled)]
        return values[0] if values else 0.0

    before = await count()
    opened = await open_case(client, autorizado.cases_path, autorizado.headers)
    assert opened.status_code == 201, opened.text  # stored, so the workflow has handled it

    assert await count() >= before + 1


async def test_documents_decided_and_justificantes_issued_are_counted(
    client: httpx.AsyncClient, autorizado: Autorizado
) -> None:
    ports = Settings.from_env().service_ports
    stored = ("documents", 'casia_documents_decided_total{status="stored"}')
    issued = ("receipts", 'casia_receipts_issued_total{kind="solicitud_tramite"}')

    async def count(service: str, series: str) -> float:
        async with httpx.AsyncClient() as http:
            text = (await http.get(f"http://127.0.0.1:{ports[service]}/metrics")).text
        values = [float(line.split()[-1]) for line in text.splitlines() if line.startswith(series)]
        return values[0] if values else 0.0

    before = {name: await count(*metric) for name, metric in (("stored", stored), ("issued", issued))}
    spec = ("anexo.pdf", samples.pdf(marker="metricas"), "application/pdf", "otro", "Anexo")
    opened = await open_with_files(client, autorizado.cases_path, autorizado.headers, [spec])
    assert opened.status_code == 201, opened.text

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if await count(*stored) > before["stored"] and await count(*issued) > before["issued"]:
            break
        await asyncio.sleep(0.3)
    assert await count(*stored) >= before["stored"] + 1
    assert await count(*issued) >= before["issued"] + 1
