"""A document is stored if and only if a case took it: the workflow asks the documents service to
store it in the transaction that attaches it, and never for a refused command."""

from __future__ import annotations

import json

from casia_contracts import commands as c
from casia_contracts import topics
from casia_contracts.documents import StoreDocument

from ..messages import AUTORIZADO, CLERK, new_case_number, open_consulta, pending_document
from ..rig import Rig


def storage_requests(rig: Rig, number: str) -> list[StoreDocument]:
    return [
        StoreDocument.model_validate(json.loads(m.value)["data"])
        for m in rig.store.outbox
        if m.key == number and m.topic == topics.DOCUMENT_COMMANDS
    ]


async def test_opening_with_documents_asks_to_store_each_after_the_events(rig: Rig) -> None:
    number, first, second = new_case_number(), pending_document(), pending_document()
    await rig.receive(open_consulta(number, documents=[first, second]))

    requests = storage_requests(rig, number)
    assert [r.document_id for r in requests] == [first.document_id, second.document_id]
    assert requests[0].quarantine == first.upload
    assert requests[0].authorization_number == "1234567"
    assert requests[0].uploaded_by == AUTORIZADO
    assert requests[0].declared_content_type == first.content_type
    outbox = [m for m in rig.store.outbox if m.key == number]
    expected = [topics.CASE_EVENTS, topics.DOCUMENT_COMMANDS, topics.DOCUMENT_COMMANDS]
    assert [m.topic for m in outbox] == expected
    assert outbox[0].sequence < outbox[1].sequence < outbox[2].sequence


async def test_a_redelivered_command_asks_once(rig: Rig) -> None:
    number = new_case_number()
    message = await rig.receive(open_consulta(number, documents=[pending_document()]))
    await rig.workflow.handle(message)
    assert len(storage_requests(rig, number)) == 1


async def test_information_added_asks_only_for_its_own_documents(rig: Rig) -> None:
    number, later = new_case_number(), pending_document()
    await rig.receive(open_consulta(number, documents=[pending_document()]))
    await rig.receive(c.AssignCase(case_number=number, by=CLERK))
    await rig.receive(c.AddInformation(case_number=number, by=AUTORIZADO, text=None, documents=[later]))
    assert [r.document_id for r in storage_requests(rig, number)][1:] == [later.document_id]


async def test_a_refused_command_asks_for_nothing(rig: Rig) -> None:
    number = new_case_number()
    await rig.receive(open_consulta(number))
    await rig.receive(c.RequestAnnulment(case_number=number, by=AUTORIZADO, reason="Duplicado"))  # closes it
    await rig.receive(
        c.AddInformation(case_number=number, by=AUTORIZADO, text=None, documents=[pending_document()])
    )
    assert storage_requests(rig, number) == []
    assert rig.event_types(number)[-1] == "es.casia.case.command_rejected"
