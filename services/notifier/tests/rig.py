"""A notifier over the in-memory ports, as the unit and broker tests drive it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from casia_contracts.base import Message
from casia_notifier.adapters.templates import NoticeRenderer
from casia_notifier.service.delivery import Notifier
from casia_notifier.service.ports import DeliveryRow
from casia_runtime.messages import InboundMessage
from casia_runtime.testing.clock import ManualClock

from .fakes import InMemoryContacts, InMemoryStore, RecordingMailer
from .messages import as_received, new_authorization

MAX_ATTEMPTS = 3
RENDERER = NoticeRenderer(timezone="Europe/Madrid")  # one Environment, as in the service


@dataclass
class Rig:
    store: InMemoryStore = field(default_factory=InMemoryStore)
    contacts: InMemoryContacts = field(default_factory=InMemoryContacts)
    mailer: RecordingMailer = field(default_factory=RecordingMailer)
    clock: ManualClock = field(default_factory=ManualClock)
    commits: list[int] = field(default_factory=list)

    @property
    def notifier(self) -> Notifier:
        return Notifier(
            contacts=self.contacts,
            deliveries=self.store,
            mailer=self.mailer,
            renderer=RENDERER,
            transactions=self.store,
            applied=self.store,
            clock=self.clock,
            on_commit=lambda: self.commits.append(1),
            max_attempts=MAX_ATTEMPTS,
        )

    def contact(self, *, email: str | None = "gestoria@example.es", consent: bool = True) -> str:
        """A new authorization with this contact; its number."""
        authorization = new_authorization()
        self.contacts.put(authorization, email=email, consent=consent)
        return authorization

    async def receive(self, data: Message) -> InboundMessage:
        message = as_received(data)
        await self.notifier.handle(message)
        return message

    def reports(self) -> list[dict[str, Any]]:
        return [json.loads(m.value) for m in self.store.outbox]

    def report(self) -> dict[str, Any]:
        [report] = self.reports()
        return report

    def row(self) -> DeliveryRow:
        [row] = self.store.rows.values()
        return row
