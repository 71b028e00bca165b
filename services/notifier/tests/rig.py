"""A notifier over the in-memory ports, as the unit and broker tests drive it.

Several consumers (each a notifier with its own owner id and mailer) can share one store, one
clock and one set of contacts, as the consumers of different processes share MongoDB.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from casia_contracts.base import Message
from casia_notifier.adapters.templates import NoticeRenderer
from casia_notifier.service.claims import Claims
from casia_notifier.service.delivery import Notifier
from casia_notifier.service.ports import DeliveryRow, Transactions
from casia_runtime.messages import InboundMessage
from casia_runtime.testing.clock import ManualClock

from .fakes import InMemoryContacts, InMemoryStore, RecordingMailer
from .messages import as_received, new_authorization

MAX_ATTEMPTS = 3
LEASE = timedelta(seconds=20)
SENDERS = 4
PUBLIC_BASE_URL = "http://127.0.0.1:8000"
"""Where the gateway is reached (the settings' default): receipt notices link there."""
RENDERER = NoticeRenderer(timezone="Europe/Madrid", public_base_url=PUBLIC_BASE_URL)  # one Environment


@dataclass
class Rig:
    store: InMemoryStore = field(default_factory=InMemoryStore)
    contacts: InMemoryContacts = field(default_factory=InMemoryContacts)
    mailer: RecordingMailer = field(default_factory=RecordingMailer)
    clock: ManualClock = field(default_factory=ManualClock)
    commits: list[int] = field(default_factory=list)
    owner: str = "host-a:101:Task-7"
    paused: list[tuple[str, float]] = field(default_factory=list)
    """(owner, seconds) of every pause a consumer took while waiting or retrying."""

    @property
    def notifier(self) -> Notifier:
        return self.consumer(self.owner, self.mailer)

    def consumer(
        self, owner: str, mailer: RecordingMailer, *, transactions: Transactions | None = None
    ) -> Notifier:
        """A notifier as the consumer ``owner`` runs it, sending through ``mailer``."""
        claims = Claims(
            deliveries=self.store,
            clock=self.clock,
            owner=lambda: owner,
            lease=LEASE,
            pause=self._pause(owner),
        )
        return Notifier(
            contacts=self.contacts,
            claims=claims,
            mailer=mailer,
            renderer=RENDERER,
            transactions=transactions or self.store,
            applied=self.store,
            clock=self.clock,
            on_commit=lambda: self.commits.append(1),
            max_attempts=MAX_ATTEMPTS,
            senders=SENDERS,
        )

    def _pause(self, owner: str) -> Callable[[float], Awaitable[None]]:
        async def pause(seconds: float) -> None:
            """Time passes on the rig's clock; the other consumers' tasks get to run."""
            self.paused.append((owner, seconds))
            self.clock.advance(timedelta(seconds=seconds))
            await asyncio.sleep(0)

        return pause

    def waited(self, owner: str) -> float:
        """Seconds the consumer ``owner`` spent in pauses."""
        return sum(seconds for who, seconds in self.paused if who == owner)

    def contact(self, *, email: str | None = "gestoria@example.es", consent: bool = True) -> str:
        """A new authorization with this contact; its number."""
        authorization = new_authorization()
        self.contacts.put(authorization, email=email, consent=consent)
        return authorization

    async def receive_together(self, *events: Message) -> list[InboundMessage]:
        """``events`` as one poll brings them to the consumer, handed together."""
        messages = [as_received(data) for data in events]
        await self.notifier.handle_together(messages)
        return messages

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
