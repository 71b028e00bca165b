"""``/healthz``, ``/readyz`` and ``/metrics`` of the gateway (no authentication)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from casia_runtime.health import Readiness
from casia_telemetry.metrics import exposition

router = APIRouter(tags=["system"])


@router.get("/healthz", summary="Liveness")
async def healthz() -> dict[str, str]:
    return {"status": "alive"}


@router.get("/readyz", summary="Readiness: Kafka, MongoDB and S3 reachable")
async def readyz(request: Request) -> JSONResponse:
    readiness: Readiness = request.app.state.readiness
    report = await readiness.report()
    return JSONResponse(report.as_json(), status_code=200 if report.ready else 503)


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
async def metrics() -> Response:
    body, content_type = exposition()
    return Response(body, media_type=content_type)
