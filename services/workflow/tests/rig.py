"""The workflow's use cases over the in-memory ports, as the unit tests drive them: commands
received as Kafka would deliver them, a clock the test moves, and what was written."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from casia_contracts import commands as c
from casia_contracts import topics
from casia_contracts.base import Message
from casia_runtime.messages import InboundMessage
from casia_runtime.testing.clock import ManualClock
from casia_workflow.domain import Case, CaseNumber, information_deadline
from casia_workflow.service.handling import Workflow

from .fakes import InMemoryStore
from .messages import CLERK, as_received, new_case_number, open_consulta


@dataclass
class Rig:
    store: InMemoryStore = field(default_factory=InMemoryStore)
    clock: ManualClock = field(default_factory=ManualClock)
    commits: list[int] = field(default_factory=list)

    @property
    def workflow(self) -> Workflow:
        return Workflow(
            transactions=self.store,
            deadlines=self.store,
            clock=self.clock,
            on_commit=lambda: self.commits.append(1),
        )

    async def receive(self, command: Message) -> InboundMessage:
        message = as_received(command, at=self.clock())
        await self.workflow.handle(message)
        return message

    def case(self, number: str) -> Case:
        return self.store.cases[CaseNumber(number)]

    def events(self, number: str) -> list[dict[str, object]]:
        """The public case events written for the case (not its requests to other services)."""
        return [
            json.loads(m.value)
            for m in self.store.outbox
            if m.key == number and m.topic == topics.CASE_EVENTS
        ]

    def event_types(self, number: str) -> list[object]:
        return [event["type"] for event in self.events(number)]


async def information_requested(rig: Rig) -> str:
    number = new_case_number()
    await rig.receive(open_consulta(number))
    await rig.receive(c.AssignCase(case_number=number, by=CLERK))
    await rig.receive(c.RequestInformation(case_number=number, by=CLERK, message="Aporte el justificante."))
    return number


def deadline(rig: Rig, number: str) -> datetime:
    due = information_deadline(rig.case(number))
    assert due is not None
    return due
