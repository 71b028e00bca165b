"""Gestión de Casos (guide 4.2): the search, the case detail with its documents and justificantes,
Modificar Información, Solicitar Anulación, Consulta Histórico and Valoración (Reclasificación
has its own screen: :mod:`casia_portal.web.reclassify`).
Every rule is the API's: the screens offer what ``allowed_actions`` lists and show its refusals."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from starlette.datastructures import UploadFile

from casia_portal.adapters.gateway import ApiProblem
from casia_portal.web.autorizado import OCTET_STREAM, base_path, needs_choice
from casia_portal.web.catalog import classification_label, data_labels, document_names
from casia_portal.web.context import Autorizado, Portal
from casia_portal.web.errors import NONE as NO_REFUSAL
from casia_portal.web.errors import Refusal
from casia_portal.web.session import Visitor, check_csrf

router = APIRouter(prefix="/portal/casos", include_in_schema=False)
RELAYED_HEADERS = frozenset(
    {
        "content-type",
        "content-disposition",
        "content-length",
        "x-content-type-options",
        "cache-control",
        "etag",
    }
)
SEARCH_FIELDS = ("status", "opened_from", "opened_to", "substatus", "case_type", "subject", "cursor")
SUBSTATUSES = (
    ("submitted", "Presentado"),
    ("assigned", "Asignado"),
    ("escalated", "Escalado"),
    ("information_requested", "Solicitada Información"),
    ("reclassification_requested", "Solicitada Reclasificación"),
    ("annulment_requested", "Solicitada Anulación"),
    ("resolved", "Resuelto"),
    ("annulled", "Anulado"),
    ("closed_ex_officio", "Cerrado de oficio"),
)


@router.get("")
async def search(request: Request, portal: Portal, person: Autorizado) -> Response:
    if (redirect := needs_choice(person)) is not None:
        return redirect
    asked = {k: v for k, v in request.query_params.items() if k in SEARCH_FIELDS and v}
    today = portal.pages.today()
    shown = {
        "status": "open",
        "opened_from": today.replace(day=1).isoformat(),
        "opened_to": today.isoformat(),
        **asked,
    }
    catalog = await portal.catalog(person)
    page: dict[str, Any] = {"cases": [], "next_cursor": None}
    problem = None
    try:
        params = {**shown, "limit": str(portal.settings.page_size)}
        page = await portal.gateway.get(f"{base_path(person)}/cases", person.token, params=params)
    except ApiProblem as refused:
        if refused.status in (401, 404):
            raise
        problem = refused
    return portal.pages.render(
        request,
        "portal/cases.html",
        status=422 if problem else 200,
        shown=shown,
        page=page,
        problem=problem,
        errors=problem.field_errors() if problem else {},
        catalog=catalog,
        substatuses=SUBSTATUSES,
    )


@router.get("/{case_number}")
async def detail(request: Request, portal: Portal, person: Autorizado, case_number: str) -> Response:
    return await _detail(request, portal, person, case_number)


@router.get("/{case_number}/historico")
async def history(request: Request, portal: Portal, person: Autorizado, case_number: str) -> Response:
    path = f"{base_path(person)}/cases/{case_number}"
    case = await portal.gateway.get(path, person.token)
    entries = await portal.gateway.get(f"{path}/history", person.token)
    return portal.pages.render(request, "portal/history.html", case=case, history=entries)


@router.post("/{case_number}/{action}")
async def act(
    request: Request, portal: Portal, person: Autorizado, case_number: str, action: str
) -> Response:
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))
    path = f"{base_path(person)}/cases/{case_number}"
    try:
        await _perform(portal, person, f"{path}/{_route(action)}", form)
    except ApiProblem as problem:
        if problem.status in (401, 404):
            raise
        refusal = Refusal(problem.field_errors(), problem)
        return await _detail(request, portal, person, case_number, refusal=refusal)
    return RedirectResponse(f"/portal/casos/{case_number}", status_code=303)


@router.get("/{case_number}/documentos/{document_id}")
async def document(
    portal: Portal, person: Autorizado, case_number: str, document_id: str
) -> StreamingResponse:
    return await _relay(portal, person, f"{base_path(person)}/cases/{case_number}/documents/{document_id}")


@router.get("/{case_number}/justificantes/{receipt_id}")
async def receipt(portal: Portal, person: Autorizado, case_number: str, receipt_id: str) -> StreamingResponse:
    return await _relay(portal, person, f"{base_path(person)}/cases/{case_number}/receipts/{receipt_id}")


def _route(action: str) -> str:
    routes = {
        "informacion": "information",
        "anulacion": "annulment",
        "valoracion": "rating",
    }
    if action not in routes:
        raise ApiProblem(404, {})
    return routes[action]


async def _perform(portal: Portal, person: Visitor, path: str, form: Any) -> None:
    """The action's body from the form, sent as the API takes it (multipart when files come)."""
    text = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    files = [f for f in form.getlist("file") if isinstance(f, UploadFile) and f.filename]
    if files:
        parts = [
            ("files", (f.filename or "documento", f.file, f.content_type or OCTET_STREAM)) for f in files
        ]
        data: dict[str, Any] = {
            "document_type": [text.get("file_type", "otro")] * len(parts),
            "title": [text.get("file_title") or f.filename for f in files],
        }
        if text.get("text"):
            data["text"] = text["text"]
        await portal.gateway.post(path, person.token, data=data, files=parts)
        return
    await portal.gateway.post(path, person.token, json=_body(path.rsplit("/", 1)[1], text))


def _body(route: str, text: dict[str, str]) -> dict[str, Any]:
    match route:
        case "information":
            return {"text": text.get("text", "")}
        case "annulment":
            return {"reason": text.get("reason", "")}
    return {"score": int(text.get("score") or 0), "observations": text.get("observations") or None}


async def _detail(
    request: Request, portal: Portal, person: Visitor, case_number: str, *, refusal: Refusal = NO_REFUSAL
) -> Response:
    case = await portal.gateway.get(f"{base_path(person)}/cases/{case_number}", person.token)
    catalog = await portal.catalog(person)
    return portal.pages.render(
        request,
        "portal/case.html",
        status=422 if refusal.problem else 200,
        case=case,
        errors=refusal.errors,
        problem=refusal.problem,
        document_names=document_names(catalog),
        classification=classification_label(catalog, case),
        data_labels=data_labels(catalog, case),
    )


async def _relay(portal: Portal, person: Visitor, path: str) -> StreamingResponse:
    """A file the API streams, streamed on with the API's headers for saving it."""
    download = await portal.gateway.download(path, person.token)
    kept = {k: v for k, v in download.headers.items() if k.lower() in RELAYED_HEADERS}

    async def chunks() -> Any:
        try:
            async for chunk in download.chunks:
                yield chunk
        finally:
            await download.response.aclose()

    return StreamingResponse(chunks(), headers=kept)
