"""The read models, from a real MongoDB: what the workflow writes is what intake reads, field by
field (and intake's contact is what the notifier reads). A field one side renamed or dropped
shows here, not as a silently empty answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.adapters.mongo import MongoCaseReader, MongoContacts
from casia_intake.entrypoints.views import Audience, CaseView
from casia_intake.service.ports import Contact
from casia_intake.settings import IntakeSettings
from casia_notifier.adapters.mongo import ContactsReader
from casia_notifier.service.ports import Contact as NotifierContact
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.testing.mongo import mongo_client, throwaway_database
from casia_workflow import domain as d
from casia_workflow.adapters.case_documents import to_stored
from casia_workflow.adapters.unit_of_work import MongoTransaction, workflow_transactions

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
AUTORIZADO = d.Person(nif=d.Nif("12345678Z"), name="Ana Pérez")
CLERK = d.Person(nif=d.Nif("87654321X"), name="Luis Gómez")


def upload(title: str) -> d.NewDocument:
    document_id = d.DocumentId(f"doc-{title.lower().replace(' ', '-')}")
    return d.NewDocument(
        document_id=document_id,
        document_type="justificante",
        title=title,
        file_name=f"{document_id}.pdf",
        size_bytes=48_213,
        content_type="application/pdf",
    )


def a_case_with_everything() -> d.Case:
    """Additional data, documents (one stored), information, an assignee, a resolution with a
    document of its own, and a rating."""
    number = d.CaseNumber("CAS-2026-0004242")
    opened = d.open_case(
        d.OpenCase(
            number=number,
            authorization=d.Authorization(
                number=d.AuthorizationNumber("1234567"),
                holder_nif=d.Nif("B12345674"),
                business_name="Gestoría",
            ),
            opened_by=AUTORIZADO,
            channel=d.Channel.WEB,
            classification=d.Classification(
                case_type=d.CaseType.TRAMITE,
                subject="afiliacion",
                category="altas_bajas",
                subcategory="bajas",
            ),
            affects_current_period=True,
            title="Baja no procesada",
            description="La baja no aparece.\nAdjunto el parte.",
            additional_data=(("naf", "281234567890"),),
            documents=(upload("Parte de baja"),),
        ),
        at=T0,
    ).case
    by_clerk, by_autorizado = d.Actor.clerk(CLERK), d.Actor.autorizado(AUTORIZADO)
    steps: list[d.CaseCommand] = [
        d.Assign(case_number=number, actor=by_clerk, assignee=CLERK),
        d.RequestInformation(case_number=number, actor=by_clerk, message="Aporte la vida laboral."),
        d.AddInformation(
            case_number=number, actor=by_autorizado, text="Aquí está.", documents=(upload("Vida"),)
        ),
        d.Resolve(
            case_number=number, actor=by_clerk, answer="Baja procesada.", documents=(upload("Resolución"),)
        ),
        d.Rate(case_number=number, actor=by_autorizado, score=5, observations="Rápido"),
    ]
    case = d.record_document_stored(
        opened, document_id=d.DocumentId("doc-parte-de-baja"), sha256="a" * 64, at=T0
    ).case
    for minutes, step in enumerate(steps, start=1):
        case = d.decide(case, step, at=T0 + timedelta(minutes=minutes)).case
    return case


@pytest.fixture
async def db() -> AsyncIterator[AsyncDatabase[Document]]:
    async with mongo_client(IntakeSettings()) as client, throwaway_database(client) as database:
        yield database


async def test_the_case_the_workflow_stores_is_the_case_intake_reads_field_by_field(
    db: AsyncDatabase[Document],
) -> None:
    case = a_case_with_everything()
    assert (
        case.resolution and case.resolution.documents and case.rating and case.information
    )  # it has them all
    client: MongoClient = db.client

    async def store(tx: MongoTransaction) -> None:
        await tx.cases.add(case)

    await workflow_transactions(client, db).run(store)
    read = await MongoCaseReader(db).get(case.number)

    written = to_stored(case)
    assert read is not None
    for field in type(written).model_fields:
        assert getattr(read, field) == getattr(written, field), field


async def test_a_resolutions_documents_reach_the_case_detail(db: AsyncDatabase[Document]) -> None:
    case = a_case_with_everything()
    client: MongoClient = db.client

    async def store(tx: MongoTransaction) -> None:
        await tx.cases.add(case)

    await workflow_transactions(client, db).run(store)
    read = await MongoCaseReader(db).get(case.number)
    assert read is not None

    view = CaseView.of(read, Audience.AUTORIZADO)

    assert view.resolution is not None
    assert view.resolution.answer == "Baja procesada."
    assert [document.title for document in view.resolution.documents] == ["Resolución"]
    assert [document.title for document in view.documents] == ["Parte de baja", "Vida", "Resolución"]


async def test_the_contact_intake_stores_is_the_contact_the_notifier_reads(
    db: AsyncDatabase[Document],
) -> None:
    given = Contact("7654321", "avisos@gestoria.es", True, T0, "12345678Z")
    withdrawn = Contact("7654322", "otra@gestoria.es", False, T0, "12345678Z")
    for contact in (given, withdrawn):
        await MongoContacts(db).put(contact)

    reader = ContactsReader(db)

    assert await reader.get("7654321") == NotifierContact(email="avisos@gestoria.es", consent=True)
    assert await reader.get("7654322") == NotifierContact(email="otra@gestoria.es", consent=False)
    assert await reader.get("7654323") == NotifierContact(email=None, consent=False)
