"""Who am I, the catalog, and the authorization's contact details (seed 3, 4.1, 4.1.2)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from casia_intake.entrypoints.content import JSON, accepts
from casia_intake.entrypoints.dependencies import Application
from casia_intake.entrypoints.identity import Acting, ActingAuthorization, CurrentCaller
from casia_intake.entrypoints.schemas import ContactUpdate, ContactView, MeView
from casia_intake.entrypoints.views import AuthorizationView
from casia_intake.service.ports import Contact

router = APIRouter(prefix="/v1", tags=["autorizado"], dependencies=[Depends(accepts(JSON))])


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
async def catalog(app: Application, caller: CurrentCaller) -> dict[str, Any]:
    return app.catalog.as_public_dict()


@router.get(
    "/authorizations/{authorization}/contact",
    response_model=ContactView,
    summary="Datos de contacto y consentimiento para recibir avisos",
)
async def get_contact(app: Application, authorization: ActingAuthorization) -> ContactView:
    contact = await app.contacts.get(authorization.number)
    return _view(contact)


@router.put(
    "/authorizations/{authorization}/contact",
    response_model=ContactView,
    summary="Modificar los datos de contacto y el consentimiento",
)
async def put_contact(body: ContactUpdate, app: Application, acting: Acting) -> ContactView:
    contact = Contact(
        authorization_number=acting.authorization.number,
        email=body.email,
        consent=body.consent,
        updated_at=app.clock(),
        updated_by=acting.caller.nif,
    )
    await app.contacts.put(contact)
    return _view(contact)


def _view(contact: Contact) -> ContactView:
    return ContactView(
        authorization_number=contact.authorization_number,
        email=contact.email,
        consent=contact.consent,
        updated_at=contact.updated_at,
    )
