"""Many messages applied in one transaction (``Workflow.handle_together``): the same outcome as
applying each in turn, or nothing at all."""

from __future__ import annotations

import pytest

from casia_contracts import commands as c
from casia_runtime.consumer import PoisonMessage
from casia_runtime.messages import InboundMessage
from casia_workflow.domain import Substatus
from casia_workflow.service.handling import CaseNotYetKnown

from ..messages import CLERK, as_received, document_stored, new_case_number, open_consulta, pending_document
from ..rig import Rig


def a_batch(rig: Rig) -> tuple[list[InboundMessage], list[str]]:
    """Two consultas opened, one assigned then escalated, a command refused (a rating while
    open): what one poll may bring."""
    first, second = new_case_number(), new_case_number()
    commands = [
        open_consulta(first),
        open_consulta(second),
        c.AssignCase(case_number=first, by=CLERK),
        c.EscalateCase(case_number=first, by=CLERK, observations="Requiere análisis técnico"),
        c.RateCase(case_number=second, by=CLERK, score=5),
    ]
    return [as_received(command, at=rig.clock()) for command in commands], [first, second]


async def test_a_batch_applied_together_ends_as_if_each_message_was_applied_in_turn() -> None:
    together, one_by_one = Rig(), Rig()
    messages, numbers = a_batch(together)

    await together.workflow.handle_together(messages)
    for message in messages:
        await one_by_one.workflow.handle(message)

    for number in numbers:
        assert together.case(number) == one_by_one.case(number)
        assert together.event_types(number) == one_by_one.event_types(number)
    assert together.case(numbers[0]).substatus is Substatus.ESCALATED
    assert together.event_types(numbers[1])[-1] == "es.casia.case.command_rejected"
    assert together.store.inbox.keys() == one_by_one.store.inbox.keys()
    assert (together.commits, len(one_by_one.commits)) == ([1], 5)  # the relay woken once, not 5 times


async def test_a_batch_delivered_again_writes_nothing(rig: Rig) -> None:
    messages, _ = a_batch(rig)
    await rig.workflow.handle_together(messages)
    outbox, inbox = list(rig.store.outbox), dict(rig.store.inbox)

    await rig.workflow.handle_together(messages)

    assert (rig.store.outbox, rig.store.inbox, rig.commits) == (outbox, inbox, [1])


async def test_an_unreadable_message_in_a_batch_raises_and_nothing_of_the_batch_is_written(rig: Rig) -> None:
    messages, _ = a_batch(rig)
    garbage = InboundMessage(topic="casia.cases.commands.v1", partition=0, offset=9, key="x", value=b"{}")

    with pytest.raises(PoisonMessage):
        await rig.workflow.handle_together([*messages[:2], garbage])

    assert (rig.store.cases, rig.store.outbox, rig.store.inbox, rig.commits) == ({}, [], {}, [])


async def test_a_message_that_is_too_early_in_a_batch_raises_and_nothing_of_the_batch_is_written(
    rig: Rig,
) -> None:
    messages, _ = a_batch(rig)
    early = as_received(document_stored(new_case_number(), pending_document().document_id), at=rig.clock())

    with pytest.raises(CaseNotYetKnown):
        await rig.workflow.handle_together([*messages, early])

    assert (rig.store.cases, rig.store.outbox, rig.store.inbox, rig.commits) == ({}, [], {}, [])
