"""Requests are counted and timed by route template (never by the path sent), whatever answers
them: a route, a mount, the 404 of no route, or an error before any answer."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from starlette.staticfiles import StaticFiles

from casia_telemetry.http import instrument_http


def counted(route: str, status: str, method: str = "GET") -> float:
    value = REGISTRY.get_sample_value(
        "casia_http_requests_total", {"method": method, "route": route, "status": status}
    )
    return value or 0.0


@pytest.fixture
def app(tmp_path: object) -> FastAPI:
    app = FastAPI()

    @app.get("/v1/cases/{number}")
    async def case(number: str) -> dict[str, str]:
        return {"number": number}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("unexpected")

    app.mount("/static", StaticFiles(directory=str(tmp_path)), name="static")
    instrument_http(app)
    return app


async def test_requests_are_counted_by_route_template_and_status(app: FastAPI) -> None:
    before = {
        "case": counted("/v1/cases/{number}", "200"),
        "static": counted("/static/{path}", "404"),
        "unmatched": counted("unmatched", "404"),
        "boom": counted("/boom", "500"),
    }
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for number in ("CAS-1", "CAS-2", "CAS-3"):
            assert (await client.get(f"/v1/cases/{number}")).status_code == 200
        assert (await client.get("/static/missing.css")).status_code == 404
        assert (await client.get("/nowhere/at/all")).status_code == 404
        assert (await client.get("/boom")).status_code == 500

    assert counted("/v1/cases/{number}", "200") - before["case"] == 3
    assert counted("/static/{path}", "404") - before["static"] == 1
    assert counted("unmatched", "404") - before["unmatched"] == 1
    assert counted("/boom", "500") - before["boom"] == 1
    labels = {"method": "GET", "route": "/v1/cases/{number}"}
    assert (REGISTRY.get_sample_value("casia_http_request_duration_seconds_count", labels) or 0) >= 3
