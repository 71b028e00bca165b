"""Exactly-once application of commands, refusals as events, and the 20-day closure timer,
through the MongoDB adapter of the ports (the same behaviours as ``unit/test_handling.py``)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from casia_contracts import commands as c
from casia_contracts.values import CaseType, Classification
from casia_runtime.consumer import PoisonMessage
from casia_runtime.messages import InboundMessage
from casia_workflow.adapters.mongo import create_indexes, due_for_closure_filter

from ..conftest import Harness
from ..messages import AUTORIZADO, CLERK, as_received, new_case_number, open_consulta

pytestmark = pytest.mark.integration


async def outbox_types(harness: Harness, case_number: str) -> list[str]:
    entries = await harness.db.workflow_outbox.find({"key": case_number}, sort=[("_id", 1)]).to_list()
    return [json.loads(entry["value"])["type"] for entry in entries]


async def stored(harness: Harness, case_number: str) -> dict[str, Any]:
    found = await harness.db.cases.find_one({"_id": case_number})
    assert found is not None, case_number
    return found


async def test_a_redelivered_open_command_opens_the_case_once(harness: Harness) -> None:
    number = new_case_number()
    message = as_received(open_consulta(number), at=harness.clock())

    await harness.workflow.handle(message)
    await harness.workflow.handle(message)

    case = await stored(harness, number)
    assert (case["status"], case["substatus"], case["version"]) == ("open", "submitted", 1)
    assert len(case["history"]) == 1
    assert await outbox_types(harness, number) == ["es.casia.case.opened"]
    assert harness.commits == [1]  # the relay was woken once: the redelivery wrote nothing


async def test_a_command_the_table_forbids_is_reported_as_rejected_and_changes_nothing(
    harness: Harness,
) -> None:
    number = new_case_number()
    await harness.workflow.handle(as_received(open_consulta(number), at=harness.clock()))

    rating = c.RateCase(case_number=number, by=AUTORIZADO, score=5)  # an open case cannot be rated
    await harness.workflow.handle(as_received(rating, at=harness.clock()))

    case = await stored(harness, number)
    assert (case["substatus"], case["version"], case["rating"]) == ("submitted", 1, None)
    assert await outbox_types(harness, number) == ["es.casia.case.opened", "es.casia.case.command_rejected"]


async def test_reclassifying_replaces_the_additional_data_with_the_new_nodes(harness: Harness) -> None:
    number = new_case_number()
    steps: list[c.CaseCommand] = [
        open_consulta(number),
        c.AssignCase(case_number=number, by=CLERK),
        c.RequestReclassification(case_number=number, by=CLERK, message="Es una baja: indique el NAF."),
        c.Reclassify(
            case_number=number,
            by=AUTORIZADO,
            classification=Classification(
                case_type=CaseType.TRAMITE, subject="afiliacion", category="altas_bajas", subcategory="bajas"
            ),
            additional_data={"ccc": "28123456789", "naf": "281234567890"},
        ),
    ]
    for step in steps:
        await harness.workflow.handle(as_received(step, at=harness.clock()))

    case = await stored(harness, number)
    assert (case["case_type"], case["substatus"]) == ("tramite", "assigned")
    assert case["additional_data"] == {"ccc": "28123456789", "naf": "281234567890"}
    [reclassified] = [
        json.loads(e["value"])["data"]
        for e in await harness.db.workflow_outbox.find({"key": number}).to_list()
        if json.loads(e["value"])["type"] == "es.casia.case.reclassified"
    ]
    assert reclassified["additional_data"] == {"ccc": "28123456789", "naf": "281234567890"}


async def test_annulment_from_submitted_is_automatic(harness: Harness) -> None:
    number = new_case_number()
    await harness.workflow.handle(as_received(open_consulta(number), at=harness.clock()))

    annul = c.RequestAnnulment(case_number=number, by=AUTORIZADO, reason="Abierto por error")
    await harness.workflow.handle(as_received(annul, at=harness.clock()))

    case = await stored(harness, number)
    assert (case["status"], case["substatus"]) == ("closed", "annulled")
    assert (await outbox_types(harness, number))[-1] == "es.casia.case.annulled"


async def test_the_timer_closes_a_consulta_20_days_after_information_was_requested(
    harness: Harness,
) -> None:
    number = new_case_number()
    steps: list[c.CaseCommand] = [
        c.AssignCase(case_number=number, by=CLERK),
        c.RequestInformation(case_number=number, by=CLERK, message="Aporte el justificante."),
    ]
    await harness.workflow.handle(as_received(open_consulta(number), at=harness.clock()))
    for step in steps:
        await harness.workflow.handle(as_received(step, at=harness.clock()))

    deadline = (await stored(harness, number))["closure_due_at"]  # 00:00 in Madrid after day 20
    assert deadline > harness.clock() + timedelta(days=20)
    harness.clock.now = deadline - timedelta(milliseconds=1)
    assert await harness.workflow.close_due_cases() == 0
    harness.clock.advance(timedelta(milliseconds=1))
    assert await harness.workflow.close_due_cases() == 1
    assert await harness.workflow.close_due_cases() == 0  # nothing left: the closure is durable

    case = await stored(harness, number)
    assert (case["status"], case["substatus"]) == ("closed", "closed_ex_officio")
    assert case["closure_due_at"] is None
    assert (await outbox_types(harness, number))[-1] == "es.casia.case.closed_ex_officio"


async def test_the_timer_reads_only_its_partial_index(harness: Harness) -> None:
    await create_indexes(harness.db)
    command = {
        "find": "cases",
        "filter": due_for_closure_filter(harness.clock()),
        "sort": {"closure_due_at": 1},
    }

    explained = await harness.db.command("explain", command, verbosity="queryPlanner")

    plan = explained["queryPlanner"]["winningPlan"]
    plan = plan.get("queryPlan", plan)
    while "inputStage" in plan and plan["stage"] != "IXSCAN":
        plan = plan["inputStage"]
    assert (plan["stage"], plan.get("indexName")) == ("IXSCAN", "closure_due")


async def test_unreadable_messages_are_poison(harness: Harness) -> None:
    garbage = InboundMessage(
        topic="casia.cases.commands.v1", partition=0, offset=1, key="x", value=b'{"specversion": "1.0"}'
    )
    with pytest.raises(PoisonMessage):
        await harness.workflow.handle(garbage)
