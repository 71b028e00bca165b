"""The tramitadores' back office: the work queue (filters, priority then age), a case across
authorizations with its history, and every clerk action with its form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from casia_portal.adapters.gateway import ApiProblem
from casia_portal.web.cases import SUBSTATUSES
from casia_portal.web.catalog import classification_label, data_labels, document_names
from casia_portal.web.context import Clerk, Portal
from casia_portal.web.errors import NONE as NO_REFUSAL
from casia_portal.web.errors import Refusal
from casia_portal.web.session import Visitor, check_csrf

router = APIRouter(prefix="/backoffice", include_in_schema=False)
QUEUE_FIELDS = ("status", "substatus", "subject", "assignee", "affects_current_period", "cursor")
ACTIONS = {
    "asignar": ("assignment", ()),
    "escalar": ("escalation", ("observations",)),
    "solicitar-informacion": ("information-request", ("message",)),
    "solicitar-reclasificacion": ("reclassification-request", ("message",)),
    "decidir-anulacion": ("annulment-decision", ("approve", "reason")),
    "resolver": ("resolution", ("answer",)),
}


@router.get("")
async def queue(request: Request, portal: Portal, person: Clerk) -> Response:
    shown = {k: v for k, v in request.query_params.items() if k in QUEUE_FIELDS and v}
    shown.setdefault("status", "open")
    params = {**shown, "limit": str(portal.settings.page_size)}
    page = await portal.gateway.get("/v1/backoffice/cases", person.token, params=params)
    catalog = await portal.catalog(person)
    counts = await portal.gateway.get("/v1/backoffice/cases/counts", person.token)
    return portal.pages.render(
        request,
        "backoffice/queue.html",
        shown=shown,
        page=page,
        catalog=catalog,
        substatuses=SUBSTATUSES,
        counts=counts["counts"],
    )


@router.get("/casos/{case_number}")
async def case(request: Request, portal: Portal, person: Clerk, case_number: str) -> Response:
    return await _case(request, portal, person, case_number)


@router.post("/casos/{case_number}/{action}")
async def act(request: Request, portal: Portal, person: Clerk, case_number: str, action: str) -> Response:
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))
    if action not in ACTIONS:
        raise ApiProblem(404, {})
    route, fields = ACTIONS[action]
    body: dict[str, Any] = {f: str(form.get(f) or "") or None for f in fields}
    if "approve" in body:
        body["approve"] = body["approve"] == "si"
    try:
        await portal.gateway.post(f"/v1/backoffice/cases/{case_number}/{route}", person.token, json=body)
    except ApiProblem as problem:
        if problem.status in (401, 404):
            raise
        refusal = Refusal(problem.field_errors(), problem)
        return await _case(request, portal, person, case_number, refusal=refusal)
    return RedirectResponse(f"/backoffice/casos/{case_number}", status_code=303)


async def _case(
    request: Request,
    portal: Portal,
    person: Visitor,
    case_number: str,
    *,
    refusal: Refusal = NO_REFUSAL,
) -> Response:
    path = f"/v1/backoffice/cases/{case_number}"
    found = await portal.gateway.get(path, person.token)
    history = await portal.gateway.get(f"{path}/history", person.token)
    catalog = await portal.catalog(person)
    return portal.pages.render(
        request,
        "backoffice/case.html",
        status=422 if refusal.problem else 200,
        case=found,
        history=history,
        errors=refusal.errors,
        problem=refusal.problem,
        document_names=document_names(catalog),
        classification=classification_label(catalog, found),
        data_labels=data_labels(catalog, found),
    )
