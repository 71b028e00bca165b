"""What became of each command, recorded by the workflow with its decision (intake reads it to
answer the request), and the version a sender saw."""

from __future__ import annotations

import json

from casia_contracts import commands as c
from casia_contracts import values as v
from casia_workflow.domain import Substatus

from ..messages import AUTORIZADO, CLERK, new_case_number, open_consulta
from ..rig import Rig, deadline, information_requested


async def test_each_command_records_its_outcome_with_the_case_version(rig: Rig) -> None:
    number = new_case_number()
    opened = await rig.receive(open_consulta(number))
    assigned = await rig.receive(c.AssignCase(case_number=number, by=CLERK))
    refused = await rig.receive(c.RateCase(case_number=number, by=AUTORIZADO, score=5))  # open: no rating

    outcomes = {o.command_id: o for o in rig.store.outcomes.values()}
    ids = [json.loads(m.value)["id"] for m in (opened, assigned, refused)]
    assert [(outcomes[i].result, outcomes[i].version) for i in ids] == [
        ("applied", 1),
        ("applied", 2),
        ("refused", 2),
    ]
    assert outcomes[ids[2]].reason_code == "illegal_transition"
    assert outcomes[ids[2]].reason


async def test_a_command_for_another_version_than_the_sender_saw_is_refused_as_stale(rig: Rig) -> None:
    number = new_case_number()
    await rig.receive(open_consulta(number))
    await rig.receive(c.AssignCase(case_number=number, by=CLERK, expected_version=1))  # as seen: applied

    late = await rig.receive(
        c.ResolveCase(case_number=number, by=CLERK, answer="Hecho.", documents=[], expected_version=1)
    )

    case = rig.case(number)
    assert (case.substatus, case.version) == (Substatus.ASSIGNED, 2)
    outcome = rig.store.outcomes[json.loads(late.value)["id"]]
    assert (outcome.result, outcome.reason_code) == ("refused", "stale_version")
    assert rig.event_types(number)[-1] == "es.casia.case.command_rejected"


async def test_a_clerk_assigns_a_case_to_another_named_clerk(rig: Rig) -> None:
    number = new_case_number()
    await rig.receive(open_consulta(number))
    other = v.PersonRef(nif="11111111H", name="Marta Ruiz")

    await rig.receive(c.AssignCase(case_number=number, by=CLERK, assignee=other))

    case = rig.case(number)
    assert case.assignee is not None and (case.assignee.nif, case.assignee.name) == (
        "11111111H",
        "Marta Ruiz",
    )
    assert case.history[-1].actor.nif == CLERK.nif  # who assigned it


async def test_document_outcomes_and_the_timer_record_no_command_outcome(rig: Rig) -> None:
    number = await information_requested(rig)
    before = dict(rig.store.outcomes)

    rig.clock.now = deadline(rig, number)
    await rig.workflow.close_due_cases()

    assert rig.store.outcomes == before
