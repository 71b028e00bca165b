"""The use cases over the in-memory ports: exactly once, refusals as events, the closure timer."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from casia_contracts import commands as c
from casia_runtime.consumer import PoisonMessage
from casia_runtime.messages import InboundMessage
from casia_workflow.domain import DocumentId, DocumentStatus, Status, Substatus
from casia_workflow.service.handling import CaseNotYetKnown, UnknownCase

from ..messages import (
    AUTORIZADO,
    CLERK,
    as_received,
    document_stored,
    new_case_number,
    open_consulta,
    pending_document,
)
from ..rig import Rig, deadline, information_requested


async def test_a_redelivered_open_command_opens_the_case_once(rig: Rig) -> None:
    number = new_case_number()
    message = as_received(open_consulta(number), at=rig.clock())

    await rig.workflow.handle(message)
    await rig.workflow.handle(message)

    case = rig.case(number)
    assert (case.status, case.substatus, case.version, len(case.history)) == (
        Status.OPEN,
        Substatus.SUBMITTED,
        1,
        1,
    )
    assert rig.event_types(number) == ["es.casia.case.opened"]
    assert rig.commits == [1]  # the relay was woken once: the redelivery wrote nothing


async def test_a_second_open_command_for_the_same_number_is_rejected(rig: Rig) -> None:
    number = new_case_number()
    await rig.receive(open_consulta(number))
    opened = rig.case(number)

    await rig.receive(open_consulta(number))

    assert rig.case(number) == opened
    assert rig.event_types(number) == ["es.casia.case.opened", "es.casia.case.command_rejected"]


async def test_a_command_the_table_forbids_is_reported_as_rejected_and_changes_nothing(rig: Rig) -> None:
    number = new_case_number()
    await rig.receive(open_consulta(number))
    opened = rig.case(number)

    rating = await rig.receive(c.RateCase(case_number=number, by=AUTORIZADO, score=5))  # not while open

    assert rig.case(number) == opened
    assert rig.event_types(number) == ["es.casia.case.opened", "es.casia.case.command_rejected"]
    rejected = rig.events(number)[-1]["data"]
    assert isinstance(rejected, dict)
    assert rejected["command_id"] == json.loads(rating.value)["id"]
    assert rejected["command_type"] == "es.casia.case.command.rate"
    assert rejected["reason_code"] == "illegal_transition"
    assert (rejected["substatus"], rejected["version"]) == ("submitted", 1)
    assert rejected["actor"] == {"kind": "autorizado", "nif": AUTORIZADO.nif, "name": AUTORIZADO.name}


async def test_a_redelivered_refused_command_is_rejected_once(rig: Rig) -> None:
    number = new_case_number()
    await rig.receive(open_consulta(number))
    rating = as_received(c.RateCase(case_number=number, by=AUTORIZADO, score=5), at=rig.clock())

    await rig.workflow.handle(rating)
    await rig.workflow.handle(rating)

    assert rig.event_types(number) == ["es.casia.case.opened", "es.casia.case.command_rejected"]


async def test_annulment_from_submitted_is_automatic(rig: Rig) -> None:
    number = new_case_number()
    await rig.receive(open_consulta(number))

    await rig.receive(c.RequestAnnulment(case_number=number, by=AUTORIZADO, reason="Abierto por error"))

    case = rig.case(number)
    assert (case.status, case.substatus, case.version) == (Status.CLOSED, Substatus.ANNULLED, 2)
    assert rig.event_types(number) == ["es.casia.case.opened", "es.casia.case.annulled"]


async def test_the_timer_leaves_a_consulta_alone_until_20_days_have_passed(rig: Rig) -> None:
    number = await information_requested(rig)

    rig.clock.now = deadline(rig, number) - timedelta(milliseconds=1)

    assert await rig.workflow.close_due_cases() == 0
    assert rig.case(number).substatus is Substatus.INFORMATION_REQUESTED


async def test_the_timer_closes_a_consulta_at_its_deadline(rig: Rig) -> None:
    number = await information_requested(rig)
    commits = len(rig.commits)

    rig.clock.now = deadline(rig, number)

    assert await rig.workflow.close_due_cases() == 1
    case = rig.case(number)
    assert (case.status, case.substatus) == (Status.CLOSED, Substatus.CLOSED_EX_OFFICIO)
    assert case.history[-1].at == rig.clock()
    assert rig.event_types(number)[-1] == "es.casia.case.closed_ex_officio"
    assert len(rig.commits) == commits + 1


async def test_the_timer_is_idempotent(rig: Rig) -> None:
    number = await information_requested(rig)
    rig.clock.now = deadline(rig, number)
    await rig.workflow.close_due_cases()
    closed, outbox, commits = rig.case(number), list(rig.store.outbox), list(rig.commits)

    rig.clock.advance(timedelta(days=1))

    assert await rig.workflow.close_due_cases() == 0
    assert (rig.case(number), rig.store.outbox, rig.commits) == (closed, outbox, commits)


async def test_unreadable_messages_are_poison_and_change_nothing(rig: Rig) -> None:
    garbage = InboundMessage(
        topic="casia.cases.commands.v1", partition=0, offset=1, key="x", value=b'{"specversion": "1.0"}'
    )

    with pytest.raises(PoisonMessage):
        await rig.workflow.handle(garbage)

    assert (rig.store.cases, rig.store.outbox, rig.store.inbox, rig.commits) == ({}, [], {}, [])


async def test_a_command_for_a_case_never_opened_is_poison_and_changes_nothing(rig: Rig) -> None:
    assign = as_received(c.AssignCase(case_number=new_case_number(), by=CLERK), at=rig.clock())

    with pytest.raises(UnknownCase):  # a PoisonMessage: dead-lettered, not dropped in silence
        await rig.workflow.handle(assign)

    assert (rig.store.cases, rig.store.outbox, rig.store.inbox, rig.commits) == ({}, [], {}, [])


async def test_a_document_outcome_for_an_unknown_case_is_retried_until_the_case_exists(rig: Rig) -> None:
    number = new_case_number()
    document = pending_document()
    outcome = as_received(document_stored(number, document.document_id), at=rig.clock())

    with pytest.raises(CaseNotYetKnown):
        await rig.workflow.handle(outcome)
    assert (rig.store.cases, rig.store.outbox, rig.store.inbox, rig.commits) == ({}, [], {}, [])

    await rig.receive(open_consulta(number, documents=[document]))
    await rig.workflow.handle(outcome)  # the retry

    stored = rig.case(number).document(DocumentId(document.document_id))
    assert stored is not None and stored.status is DocumentStatus.STORED
    assert rig.event_types(number) == ["es.casia.case.opened", "es.casia.case.document_stored"]


async def test_on_commit_is_called_only_when_outbox_entries_were_written(rig: Rig) -> None:
    number = new_case_number()
    await rig.receive(open_consulta(number))
    assert rig.commits == [1]

    # Refused (the case has no such document) and not the user's business: applied, emits nothing.
    unknown = await rig.receive(document_stored(number, pending_document().document_id))

    assert json.loads(unknown.value)["id"] in rig.store.inbox
    assert rig.event_types(number) == ["es.casia.case.opened"]
    assert rig.commits == [1]


async def test_event_ids_derive_from_the_message_so_a_rerun_writes_the_same_ones() -> None:
    first, second = Rig(), Rig()
    message = as_received(open_consulta(new_case_number()), at=first.clock())

    await first.workflow.handle(message)
    await second.workflow.handle(message)

    assert [m.id for m in first.store.outbox] == [m.id for m in second.store.outbox]
