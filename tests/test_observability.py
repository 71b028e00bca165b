"""What operators see of one case on the running stack: one trace from the request through
every service it reached, log lines that name that trace, and each service's /metrics counting it.

The stack's processes write their spans to one file (``CASIA_TRACES_FILE``, set by casia-local);
the client starts the trace itself (a W3C ``traceparent``), as a calling system would.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import Autorizado
from tests.instances import json_records
from tests.journeys import consented, mail_to, open_case, stored_case

from casia_local.settings import TRACES_FILE, Settings

pytestmark = pytest.mark.integration

SERVICES_REACHED = {"intake", "workflow", "notifier"}
"""A consulta, consented: the gateway takes it, the workflow stores it, the notifier mails it."""


def spans_of(trace_id: str) -> list[dict[str, Any]]:
    path = Settings.from_env().logs_dir / TRACES_FILE
    return [span for span in _json_lines(path) if span["context"]["trace_id"] == f"0x{trace_id}"]


def _json_lines(path: Path) -> Iterator[dict[str, Any]]:
    for line in path.read_text().splitlines():
        if line.startswith("{"):
            yield json.loads(line)


def service_of(span: dict[str, Any]) -> str:
    return str(span["resource"]["attributes"]["service.name"])


async def whole_trace(trace_id: str, *, within: float = 30.0) -> list[dict[str, Any]]:
    """The trace's spans once every expected service has exported its own (in batches)."""
    deadline = time.monotonic() + within
    while True:
        spans = spans_of(trace_id)
        if {service_of(s) for s in spans} >= SERVICES_REACHED or time.monotonic() > deadline:
            return spans
        await asyncio.sleep(0.5)


async def test_one_case_is_one_trace_across_the_services(
    client: httpx.AsyncClient, autorizado: Autorizado, email: str, mail_api_url: str
) -> None:
    await consented(client, autorizado.authorization.number, autorizado.headers, email)
    trace_id, parent = secrets.token_hex(16), secrets.token_hex(8)
    headers = {**autorizado.headers, "traceparent": f"00-{trace_id}-{parent}-01"}

    opened = await open_case(client, autorizado.cases_path, headers)
    assert opened.status_code in (201, 202), opened.text
    case = await stored_case(client, opened.headers["location"], autorizado.headers)
    assert await mail_to(mail_api_url, email)

    spans = await whole_trace(trace_id)
    by_id = {span["context"]["span_id"]: span for span in spans}
    assert {service_of(span) for span in spans} >= SERVICES_REACHED
    request = next(s for s in spans if service_of(s) == "intake" and s["kind"] == "SpanKind.SERVER")
    assert request["parent_id"] == f"0x{parent}"  # the caller's span
    assert request["attributes"]["http.route"] == "/v1/authorizations/{authorization}/cases"
    for span in spans:
        if span is not request:
            assert span["parent_id"] in by_id, f"{span['name']} hangs from a span outside the trace"
    stored = next(s for s in spans if service_of(s) == "workflow" and s["name"].startswith("process"))
    assert stored["attributes"]["messaging.kafka.message.key"] == case["case_number"]
    assert by_id[stored["parent_id"]] is request  # the command carried the request's context
    mailed = next(s for s in spans if service_of(s) == "notifier")
    assert by_id[mailed["parent_id"]] is stored  # case.opened carried the workflow's context

    logs = Settings.from_env().logs_dir / "workflow.log"
    assert any(
        line.get("trace_id") == trace_id and line.get("case_number") == case["case_number"]
        for line in json_records(logs)
    ), "the workflow's log lines about the case name its trace"


def metric(text: str, name: str, **labels: str) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels``."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        series, _, value = line.rpartition(" ")
        if series.split("{")[0] == name and all(f'{k}="{v}"' in series for k, v in labels.items()):
            total += float(value)
    return total


async def test_metrics_count_requests_messages_mails_and_backlog(
    client: httpx.AsyncClient, autorizado: Autorizado, email: str, mail_api_url: str
) -> None:
    ports = Settings.from_env().service_ports
    scrapes = {name: f"http://127.0.0.1:{port}/metrics" for name, port in ports.items()}

    async def scrape() -> dict[str, str]:
        async with httpx.AsyncClient(timeout=10.0) as http:
            return {name: (await http.get(url)).text for name, url in scrapes.items()}

    route = "/v1/authorizations/{authorization}/cases"
    before = await scrape()
    await consented(client, autorizado.authorization.number, autorizado.headers, email)
    opened = await open_case(client, autorizado.cases_path, autorizado.headers)
    await stored_case(client, opened.headers["location"], autorizado.headers)
    assert await mail_to(mail_api_url, email)
    await asyncio.sleep(1.0)  # the notifier counts the mail once its outcome is committed
    after = await scrape()

    def grew(service: str, name: str, **labels: str) -> float:
        return metric(after[service], name, **labels) - metric(before[service], name, **labels)

    status = str(opened.status_code)
    assert grew("intake", "casia_http_requests_total", method="POST", route=route, status=status) == 1
    assert grew("intake", "casia_http_request_duration_seconds_count", method="POST", route=route) == 1
    assert grew("workflow", "casia_message_handling_seconds_count", topic="casia.cases.commands.v1") >= 1
    assert grew("notifier", "casia_emails_total", outcome="sent") >= 1
    # The portal was not used: only the first scrape is counted (scrapes count like any request).
    assert (
        grew("portal", "casia_http_requests_total")
        == grew("portal", "casia_http_requests_total", route="/metrics")
        == 1
    )
    for service in ("workflow", "documents", "receipts", "notifier"):
        assert f'casia_consumer_lag{{group="{service}"' in after[service]
        assert "casia_outbox_oldest_pending_age_seconds{" in after[service]
    assert 'casia_outbox_pending{outbox="intake_outbox"}' in after["intake"]
