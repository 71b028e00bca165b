"""The public page that verifies a justificante by its CEA (no sign-in: whoever holds the code
holds the receipt), over the API's public verification routes."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casia_portal.adapters.gateway import ApiProblem
from casia_portal.web.context import Portal

router = APIRouter(include_in_schema=False)


@router.get("/verificar")
async def verify(request: Request, portal: Portal, cea: str = "") -> Response:
    found, problem = None, None
    if cea.strip():
        try:
            found = await portal.gateway.get(f"/v1/receipts/verify/{quote(cea.strip(), safe='')}", None)
        except ApiProblem as refused:
            problem = refused
    return portal.pages.render(
        request,
        "verify.html",
        status=404 if problem and problem.status == 404 else 200,
        cea=cea,
        found=found,
        problem=problem,
        gateway=portal.settings.gateway_url,
    )
