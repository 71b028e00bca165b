"""One transaction for the work of many messages (``Transactions.run_batch`` over MongoDB).

:class:`BatchTransaction` is the workflow's Transaction port with reads ahead and writes behind:
before the work runs, the inbox records of the batch's message ids and the batch's cases are read
in one query each; the work then reads and writes in memory (each read sees the writes before it,
as in one transaction); when it returns, :meth:`BatchTransaction.flush` writes what changed with
one bulk write per collection: the new cases, the changed ones (each against the version it had
when read), the outcomes, the outbox entries in order, the inbox records. The checks a single
transaction makes at each write (a stale version, a duplicate) are made in memory as the work
goes, and again by the database when the bulk writes land.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from casia_read_models import StoredCommandOutcome
from casia_runtime.inbox import Inbox
from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import Session, first_writer_wins
from casia_runtime.outbox import Outbox
from casia_runtime.ports import ConcurrentChange
from casia_workflow.adapters import mongo as store
from casia_workflow.domain import Case, CaseNumber


@dataclass(frozen=True, slots=True)
class Stores:
    """The workflow's collections, outside any session."""

    cases: store.CaseStore
    outcomes: store.OutcomeStore
    outbox: Outbox
    inbox: Inbox


@dataclass(slots=True)
class BufferedCases:
    """The CaseRepository port over the cases read ahead, plus any read on demand."""

    store: store.CaseStore
    session: Session
    read: dict[CaseNumber, Case | None]
    """Each case as the database had it when first read (None: not stored)."""
    current: dict[CaseNumber, Case | None] = field(default_factory=dict)
    """Each case as this transaction has it now (its own writes included)."""

    async def get(self, case_number: CaseNumber) -> Case | None:
        if case_number not in self.current:
            if case_number not in self.read:
                self.read[case_number] = await self.store.get(case_number, session=self.session)
            self.current[case_number] = self.read[case_number]
        return self.current[case_number]

    async def add(self, case: Case) -> None:
        if await self.get(case.number) is not None:
            raise ConcurrentChange(case.number)
        self.current[case.number] = case

    async def replace(self, case: Case, *, expected_version: int) -> None:
        present = await self.get(case.number)
        if present is None or present.version != expected_version:
            raise ConcurrentChange(case.number)
        self.current[case.number] = case

    async def flush(self) -> None:
        changed = {n: case for n, case in self.current.items() if case is not self.read.get(n)}
        added = [case for n, case in changed.items() if case is not None and self.read.get(n) is None]
        replaced = [
            (before.version, case)
            for n, case in changed.items()
            if case is not None and (before := self.read.get(n)) is not None
        ]
        await self.store.add_all(added, session=self.session)
        await self.store.replace_all(replaced, session=self.session)


@dataclass(slots=True)
class BufferedOutcomes:
    """The CommandOutcomes port, held until the flush."""

    recorded: dict[str, StoredCommandOutcome] = field(default_factory=dict)

    async def record(self, outcome: StoredCommandOutcome) -> None:
        if outcome.command_id in self.recorded:
            raise ConcurrentChange(outcome.command_id)
        self.recorded[outcome.command_id] = outcome


@dataclass(slots=True)
class BufferedOutbox:
    """The OutboxWriter port, held until the flush (in the order given)."""

    added: list[OutboundMessage] = field(default_factory=list)

    async def add(self, messages: Sequence[OutboundMessage]) -> None:
        self.added.extend(messages)


@dataclass(slots=True)
class BufferedInbox:
    """The Inbox port over the records read ahead, plus any read on demand."""

    inbox: Inbox
    session: Session
    applied: set[str]
    """Message ids known to be recorded (read ahead, or recorded here)."""
    asked: set[str]
    """Message ids whose record was read (present or not)."""
    recorded: dict[str, datetime] = field(default_factory=dict)

    async def seen(self, message_id: str) -> bool:
        if message_id not in self.asked:
            if await self.inbox.seen(message_id, session=self.session):
                self.applied.add(message_id)
            self.asked.add(message_id)
        return message_id in self.applied

    async def record(self, message_id: str, *, at: datetime) -> None:
        if await self.seen(message_id):
            raise ConcurrentChange(message_id)
        self.applied.add(message_id)
        self.recorded[message_id] = at

    async def record_all(self, message_ids: Sequence[str], *, at: datetime) -> None:
        for message_id in message_ids:
            await self.record(message_id, at=at)


@dataclass(slots=True)
class BatchTransaction:
    """The Transaction port of a batch (see the module's docstring)."""

    cases: BufferedCases
    outcomes: BufferedOutcomes
    outbox: BufferedOutbox
    inbox: BufferedInbox

    @classmethod
    async def read_ahead(
        cls,
        stores: Stores,
        session: Session,
        *,
        message_ids: Collection[str],
        case_numbers: Collection[CaseNumber],
    ) -> BatchTransaction:
        found = await stores.cases.get_all(case_numbers, session=session)
        applied = await stores.inbox.seen_among(message_ids, session=session)
        return cls(
            BufferedCases(stores.cases, session, {n: found.get(n) for n in case_numbers}),
            BufferedOutcomes(),
            BufferedOutbox(),
            BufferedInbox(stores.inbox, session, applied, set(message_ids)),
        )

    async def flush(self, stores: Stores) -> None:
        session = self.cases.session
        await self.cases.flush()
        await stores.outcomes.record_all(list(self.outcomes.recorded.values()), session=session)
        await stores.outbox.add(self.outbox.added, session=session)
        with first_writer_wins(", ".join(self.inbox.recorded)):
            await stores.inbox.record_all(self.inbox.recorded, session=session)
