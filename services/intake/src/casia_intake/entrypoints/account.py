"""Who am I, the catalog, and the authorization's contact details (seed 3, 4.1, 4.1.2)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from casia_intake.entrypoints.identity import ActingAuthorization, CurrentCaller
from casia_intake.entrypoints.schemas import AuthorizationView, ContactUpdate, ContactView, MeView
from casia_intake.service.ports import Contact
from casia_intake.wiring import Intake

router = APIRouter(prefix="/v1", tags=["autorizado"])


def _intake(request: Request) -> Intake:
    intake: Intake = request.app.state.intake
    return intake


@router.get("/me", summary="El usuario y sus autorizaciones", response_model=MeView)
async def me(caller: CurrentCaller) -> MeView:
    return MeView(
        nif=caller.nif,
        name=caller.name,
        email=caller.email,
        roles=sorted(caller.roles),
        authorizations=[AuthorizationView.model_validate(a.model_dump()) for a in caller.authorizations],
    )


@router.get("/catalog", summary="Catálogo: tipos de caso, materias, categorías, documentos")
async def catalog(request: Request, caller: CurrentCaller) -> dict[str, Any]:
    return _intake(request).catalog.as_public_dict()


@router.get(
    "/authorizations/{authorization}/contact",
    response_model=ContactView,
    summary="Datos de contacto y consentimiento para recibir avisos",
)
async def get_contact(request: Request, authorization: ActingAuthorization) -> ContactView:
    contact = await _intake(request).contacts.get(authorization.number)
    return _view(contact)


@router.put(
    "/authorizations/{authorization}/contact",
    response_model=ContactView,
    summary="Modificar los datos de contacto y el consentimiento",
)
async def put_contact(
    body: ContactUpdate, request: Request, caller: CurrentCaller, authorization: ActingAuthorization
) -> ContactView:
    intake = _intake(request)
    contact = Contact(
        authorization_number=authorization.number,
        email=body.email,
        consent=body.consent,
        updated_at=intake.clock(),
        updated_by=caller.nif,
    )
    await intake.contacts.put(contact)
    return _view(contact)


def _view(contact: Contact) -> ContactView:
    return ContactView(
        authorization_number=contact.authorization_number,
        email=contact.email,
        consent=contact.consent,
        updated_at=contact.updated_at,
    )
