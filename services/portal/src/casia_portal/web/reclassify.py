"""Reclasificación (guide 4.2.2): when the clerk asks for it, the autorizado chooses the case's
type, materia, categoría and subcategoría again, with the data the new node requires. The same
walk through the catalog as the alta; the API decides."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from casia_portal.adapters.gateway import ApiProblem
from casia_portal.web.autorizado import Classification, base_path
from casia_portal.web.catalog import walk
from casia_portal.web.context import Autorizado, Portal
from casia_portal.web.errors import NONE as NO_REFUSAL
from casia_portal.web.errors import Refusal
from casia_portal.web.session import Visitor, check_csrf

router = APIRouter(prefix="/portal/casos", include_in_schema=False)


@router.get("/{case_number}/reclasificar")
async def reclassify_form(
    request: Request,
    portal: Portal,
    person: Autorizado,
    case_number: str,
    chosen: Annotated[Classification, Query()],
) -> Response:
    return await _form(request, portal, person, case_number, chosen.model_dump())


@router.post("/{case_number}/reclasificar")
async def reclassify(request: Request, portal: Portal, person: Autorizado, case_number: str) -> Response:
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))
    text = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    chosen = {k: text.get(k, "") for k in Classification.model_fields}
    body = {
        **{k: v or None for k, v in chosen.items()},
        "additional_data": {k[5:]: v for k, v in text.items() if k.startswith("data_") and v.strip()},
    }
    try:
        await portal.gateway.post(
            f"{base_path(person)}/cases/{case_number}/reclassification", person.token, json=body
        )
    except ApiProblem as problem:
        if problem.status in (401, 404):
            raise
        refusal = Refusal(problem.field_errors(), problem)
        return await _form(request, portal, person, case_number, chosen, refusal=refusal, values=text)
    return RedirectResponse(f"/portal/casos/{case_number}", status_code=303)


async def _form(  # noqa: PLR0913 - a page and what it shows
    request: Request,
    portal: Portal,
    person: Visitor,
    case_number: str,
    chosen: dict[str, str],
    *,
    refusal: Refusal = NO_REFUSAL,
    values: dict[str, str] | None = None,
) -> Response:
    case = await portal.gateway.get(f"{base_path(person)}/cases/{case_number}", person.token)
    catalog = await portal.catalog(person)
    return portal.pages.render(
        request,
        "portal/reclassify.html",
        status=422 if refusal.problem else 200,
        case=case,
        chosen=chosen,
        walk=walk(catalog, **chosen),
        values=values or {},
        errors=refusal.errors,
        problem=refusal.problem,
    )
