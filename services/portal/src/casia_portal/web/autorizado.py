"""The autorizado's screens before a case exists (guide 4.1): the choice of authorization, the
alta form (Nuevo Caso), Alta Confirmada, and the contact details for notices."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from casia_portal.adapters.gateway import ApiProblem
from casia_portal.web.catalog import walk
from casia_portal.web.context import Autorizado, Portal
from casia_portal.web.errors import NONE as NO_REFUSAL
from casia_portal.web.errors import Refusal
from casia_portal.web.session import Visitor, check_csrf, choose

router = APIRouter(prefix="/portal", include_in_schema=False)
FILE_SLOTS = 3
OCTET_STREAM = "application/octet-stream"
WEB = {"X-CASIA-Channel": "web"}
"""Cases opened here came through the web (the API's default is a program's)."""
Upload = tuple[str, tuple[str, Any, str]]


class Classification(BaseModel):
    """Where the alta form stands in type → materia → categoría → subcategoría."""

    case_type: str = ""
    subject: str = ""
    category: str = ""
    subcategory: str = ""


class ContactForm(BaseModel):
    csrf_token: str = ""
    email: str = ""
    consent: str = ""


class ChoiceForm(BaseModel):
    csrf_token: str = ""
    number: str = ""


def base_path(person: Visitor) -> str:
    return f"/v1/authorizations/{person.chosen}"


def needs_choice(person: Visitor) -> Response | None:
    return RedirectResponse("/portal/autorizaciones", status_code=303) if person.chosen is None else None


@router.get("")
async def home(request: Request, portal: Portal, person: Autorizado) -> Response:
    return needs_choice(person) or portal.pages.render(request, "portal/home.html")


@router.get("/autorizaciones")
async def authorizations(request: Request, portal: Portal, person: Autorizado) -> Response:
    return portal.pages.render(request, "portal/authorizations.html")


@router.post("/autorizaciones")
async def choose_authorization(
    request: Request, person: Autorizado, sent: Annotated[ChoiceForm, Form()]
) -> Response:
    check_csrf(request, sent.csrf_token)
    choose(request, sent.number)
    return RedirectResponse("/portal", status_code=303)


@router.get("/casos/nuevo")
async def new_case(
    request: Request, portal: Portal, person: Autorizado, chosen: Annotated[Classification, Query()]
) -> Response:
    if (redirect := needs_choice(person)) is not None:
        return redirect
    return await _form(request, portal, person, chosen.model_dump(), values={})


@router.post("/casos/nuevo")
async def open_case(request: Request, portal: Portal, person: Autorizado) -> Response:
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))
    text = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    chosen = {k: text.get(k, "") for k in Classification.model_fields}
    case = {
        **{k: v for k, v in chosen.items() if v},
        "affects_current_period": text.get("affects_current_period") == "si",
        "title": text.get("title", ""),
        "description": text.get("description", ""),
        "additional_data": {k[5:]: v for k, v in text.items() if k.startswith("data_") and v.strip()},
    }
    files, described, slots = _files(form)
    path = f"{base_path(person)}/cases"
    try:
        if files:
            data = {"case": json.dumps(case), **described}
            opened = await portal.gateway.post(path, person.token, data=data, files=files, headers=WEB)
        else:
            opened = await portal.gateway.post(path, person.token, json=case, headers=WEB)
    except ApiProblem as problem:
        if problem.status in (401, 404):
            raise
        errors = {_slot_of(k, slots): message for k, message in problem.field_errors().items()}
        return await _form(request, portal, person, chosen, values=text, refusal=Refusal(errors, problem))
    return RedirectResponse(f"/portal/casos/{opened['case_number']}/confirmado", status_code=303)


@router.get("/casos/{case_number}/confirmado")
async def case_opened(request: Request, portal: Portal, person: Autorizado, case_number: str) -> Response:
    case = await portal.gateway.get(f"{base_path(person)}/cases/{case_number}", person.token)
    return portal.pages.render(request, "portal/case_opened.html", case=case)


@router.get("/contacto")
async def contact(request: Request, portal: Portal, person: Autorizado, guardado: str = "") -> Response:
    if (redirect := needs_choice(person)) is not None:
        return redirect
    current = await portal.gateway.get(f"{base_path(person)}/contact", person.token)
    saved = bool(guardado)
    return portal.pages.render(request, "portal/contact.html", contact=current, errors={}, saved=saved)


@router.post("/contacto")
async def save_contact(
    request: Request, portal: Portal, person: Autorizado, sent: Annotated[ContactForm, Form()]
) -> Response:
    check_csrf(request, sent.csrf_token)
    wanted = {"email": sent.email.strip() or None, "consent": sent.consent == "si"}
    try:
        await portal.gateway.put(f"{base_path(person)}/contact", person.token, json=wanted)
    except ApiProblem as problem:
        if problem.status in (401, 404):
            raise
        shown = {"email": sent.email, "consent": sent.consent == "si"}
        errors = problem.field_errors()
        return portal.pages.render(
            request, "portal/contact.html", status=422, contact=shown, errors=errors, saved=False
        )
    return RedirectResponse("/portal/contacto?guardado=1", status_code=303)


async def _form(  # noqa: PLR0913 - a page and what it shows
    request: Request,
    portal: Portal,
    person: Visitor,
    chosen: dict[str, str],
    *,
    values: dict[str, str],
    refusal: Refusal = NO_REFUSAL,
) -> Response:
    catalog = await portal.catalog(person)
    return portal.pages.render(
        request,
        "portal/new_case.html",
        status=422 if refusal.problem else 200,
        chosen=chosen,
        walk=walk(catalog, **chosen),
        values=values,
        errors=refusal.errors,
        problem=refusal.problem,
        slots=range(FILE_SLOTS),
    )


def _slot_of(field: str, slots: list[int]) -> str:
    """The form field an API error names: ``files.<i>`` (the i-th file sent) is a slot's file."""
    if field.startswith("files."):
        index = int(field.split(".", 1)[1])
        return f"file_{slots[index]}" if index < len(slots) else "files"
    return field


def _files(form: Any) -> tuple[list[Upload], dict[str, list[str]], list[int]]:
    """The files chosen in the form's slots with their document type and title, in order, and the
    slots they came from. The spooled files themselves: httpx streams them on to the API."""
    files: list[Upload] = []
    described: dict[str, list[str]] = {"document_type": [], "title": []}
    slots: list[int] = []
    for slot in range(FILE_SLOTS):
        upload = form.get(f"file_{slot}")
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        files.append(("files", (upload.filename, upload.file, upload.content_type or OCTET_STREAM)))
        described["document_type"].append(str(form.get(f"file_{slot}_type", "")))
        described["title"].append(str(form.get(f"file_{slot}_title", "")))
        slots.append(slot)
    return files, described, slots
