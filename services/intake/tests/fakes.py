"""Hand-written in-memory fakes of the gateway's ports (``casia_intake.service.ports``).

They keep the adapters' semantics, checked by ``tests/contract/``: numbers come from a counter
per year; a claim of a scope already claimed stores nothing and returns the stored record (the
MongoDB adapter's DuplicateKeyError path); a send is acknowledged and recorded, or raises
BrokerUnavailable (never taken), or is kept and raises DeliveryUnknown (taken, not acknowledged).
Every call yields to the event loop once, as real I/O does, so concurrent callers interleave
between calls (each call itself is atomic, like one MongoDB operation).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import BinaryIO, Generic, Literal, TypeVar

from casia_contracts.base import Message
from casia_intake.domain.case_numbers import format_case_number
from casia_intake.service.ports import (
    BrokerUnavailable,
    Contact,
    DeliveryUnknown,
    IdempotencyRecord,
    IdempotencyScope,
)
from casia_intake.service.receipts import IssuedReceipt
from casia_read_models import StoredCase, StoredCommandOutcome, StoredReceipt
from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import Session

T = TypeVar("T")


class InMemoryCaseNumbers:
    """CaseNumbers: a counter per year, starting at 1."""

    def __init__(self) -> None:
        self.last: defaultdict[int, int] = defaultdict(int)

    async def allocate(self, *, year: int) -> str:
        await asyncio.sleep(0)
        self.last[year] += 1
        return format_case_number(year, self.last[year])


class InMemoryIdempotencyKeys:
    """IdempotencyKeys: records by scope; ``claimed_at`` keeps each record's creation time."""

    def __init__(self) -> None:
        self.records: dict[IdempotencyScope, IdempotencyRecord] = {}
        self.claimed_at: dict[IdempotencyScope, datetime] = {}

    async def find(self, scope: IdempotencyScope) -> IdempotencyRecord | None:
        await asyncio.sleep(0)
        return self.records.get(scope)

    async def claim(
        self, scope: IdempotencyScope, record: IdempotencyRecord, *, at: datetime
    ) -> IdempotencyRecord:
        await asyncio.sleep(0)
        stored = self.records.get(scope)
        if stored is not None:  # a concurrent request won: its record, not ours
            return stored
        claimed = replace(record, published=False)
        self.records[scope] = claimed
        self.claimed_at[scope] = at
        return claimed

    async def mark_published(self, scope: IdempotencyScope) -> None:
        await asyncio.sleep(0)
        stored = self.records.get(scope)
        if stored is not None:  # like an update_one that matches nothing
            self.records[scope] = replace(stored, published=True)


@dataclass(frozen=True)
class SentCommand:
    command: Message
    command_id: str
    correlation_id: str
    at: datetime


class RecordingCommandSender:
    """CommandSender: records every acknowledged send. While ``down``, every send raises
    BrokerUnavailable and records nothing (``refused`` counts those attempts); while
    ``unacknowledged``, it keeps the command (``kept``) and raises DeliveryUnknown."""

    def __init__(self) -> None:
        self.sent: list[SentCommand] = []
        self.kept: list[SentCommand] = []
        self.down = False
        self.unacknowledged = False
        self.refused = 0
        self.then: Callable[[SentCommand], None] | None = None
        """What a test has happen once a command is acknowledged (the workflow deciding)."""

    async def send(self, command: Message, *, command_id: str, correlation_id: str, at: datetime) -> None:
        await asyncio.sleep(0)
        if self.down:
            self.refused += 1
            raise BrokerUnavailable("the fake broker is down")
        if self.unacknowledged:
            self.kept.append(SentCommand(command, command_id, correlation_id, at))
            raise DeliveryUnknown("the fake broker took it and said nothing")
        sent = SentCommand(command, command_id, correlation_id, at)
        self.sent.append(sent)
        if self.then is not None:
            self.then(sent)


class FakeProducer:
    """The Producer KafkaCommandSender hands records to: ``up`` acknowledges at once, ``down``
    refuses to take them, ``silent`` takes them and never acknowledges."""

    def __init__(self) -> None:
        self.mode: Literal["up", "down", "silent"] = "up"
        self.acknowledged: list[OutboundMessage] = []
        self.taken: list[OutboundMessage] = []

    async def hand_over(self, message: OutboundMessage) -> Awaitable[object]:
        await asyncio.sleep(0)
        if self.mode == "down":
            raise ConnectionError("Unable to bootstrap from 127.0.0.1:9092")
        self.taken.append(message)
        acknowledgement: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        if self.mode == "up":
            self.acknowledged.append(message)
            acknowledgement.set_result(None)
        return acknowledgement


class KeptMessages:
    """Where KafkaCommandSender keeps what Kafka did not acknowledge (intake's outbox)."""

    def __init__(self) -> None:
        self.kept: list[OutboundMessage] = []

    async def add(self, messages: Sequence[OutboundMessage], *, session: Session | None) -> None:
        await asyncio.sleep(0)
        self.kept.extend(messages)


class InMemoryCaseReader:
    """CaseReader: the cases a test stores with :meth:`add`, as the workflow would."""

    def __init__(self) -> None:
        self.cases: dict[str, StoredCase] = {}

    def add(self, stored: StoredCase) -> None:
        self.cases[stored.case_number] = stored

    async def get(self, case_number: str) -> StoredCase | None:
        await asyncio.sleep(0)
        return self.cases.get(case_number)  # immutable: no copy needed


class InMemoryCommandOutcomes:
    """CommandOutcomes: what a test (or :class:`ActingWorkflow`) records; no one else decides."""

    def __init__(self) -> None:
        self.outcomes: dict[str, StoredCommandOutcome] = {}

    def record(self, outcome: StoredCommandOutcome) -> None:
        self.outcomes[outcome.command_id] = outcome

    async def wait_for(self, command_id: str, *, within: float) -> StoredCommandOutcome | None:
        """What is recorded now is all there will be: nothing runs beside the fake."""
        await asyncio.sleep(0)
        return self.outcomes.get(command_id)


class InMemoryContacts:
    """ContactStore: the last contact put per authorization."""

    def __init__(self) -> None:
        self.contacts: dict[str, Contact] = {}

    async def get(self, authorization_number: str) -> Contact:
        await asyncio.sleep(0)
        return self.contacts.get(authorization_number, Contact.empty(authorization_number))

    async def put(self, contact: Contact) -> None:
        await asyncio.sleep(0)
        self.contacts[contact.authorization_number] = contact


class InMemoryQuarantine:
    """The Quarantine port: objects as bytes, by (bucket, key)."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}

    async def put(self, bucket: str, key: str, source: BinaryIO, *, size: int, content_type: str) -> None:
        source.seek(0)
        self.objects[(bucket, key)] = source.read(size)

    async def remove(self, bucket: str, key: str) -> None:
        self.objects.pop((bucket, key), None)


class InMemoryLookup(Generic[T]):
    """Lookup over records kept in a dict by key."""

    def __init__(self) -> None:
        self.records: dict[str, T] = {}

    async def get(self, key: str) -> T | None:
        return self.records.get(key)


class InMemoryObjects:
    """ObjectReader over the quarantine fake's objects (any bucket)."""

    def __init__(self, store: InMemoryQuarantine) -> None:
        self.store = store

    async def stream(self, bucket: str, key: str) -> AsyncIterator[bytes]:
        yield self.store.objects[(bucket, key)]


class InMemoryReceipts:
    """ReceiptReader over the receipts a test stores with :meth:`add` in any status, as the
    receipts service writes them; like the adapter, it finds issued ones only."""

    def __init__(self) -> None:
        self.receipts: dict[str, StoredReceipt] = {}

    def add(self, stored: StoredReceipt) -> None:
        self.receipts[stored.receipt_id] = stored

    async def of_case(self, case_number: str) -> list[IssuedReceipt]:
        await asyncio.sleep(0)
        of_case = [r for r in self._issued() if r.case_number == case_number]
        return sorted(of_case, key=lambda r: (r.issued_at, r.receipt_id))

    async def get(self, receipt_id: str) -> IssuedReceipt | None:
        return await self._one(lambda r: r.receipt_id == receipt_id)

    async def by_cea(self, cea: str) -> IssuedReceipt | None:
        return await self._one(lambda r: r.cea == cea)

    async def by_pdf_sha256(self, sha256: str) -> IssuedReceipt | None:
        return await self._one(lambda r: r.pdf_sha256 == sha256)

    async def _one(self, matches: Callable[[IssuedReceipt], bool]) -> IssuedReceipt | None:
        await asyncio.sleep(0)
        return next((r for r in self._issued() if matches(r)), None)

    def _issued(self) -> list[IssuedReceipt]:
        issued = (IssuedReceipt.of(stored) for stored in self.receipts.values())
        return [receipt for receipt in issued if receipt is not None]
