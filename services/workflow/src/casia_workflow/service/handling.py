"""The workflow's use cases: apply a command or document outcome to a case, exactly once.

Each message is applied in one transaction (the ``Transactions`` port) that reads the case,
decides (pure domain), writes the new case, appends the resulting public events to the outbox
and records the message id in the inbox. A redelivered message finds its id and changes nothing;
a refusal is recorded as a ``CommandRejected`` event, never thrown back at the broker.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime

from casia_contracts import case_events, commands
from casia_contracts.base import Message
from casia_contracts.documents import StoreDocument
from casia_contracts.envelope import Causality, RawEvent, build_event
from casia_contracts.registry import parse_data
from casia_contracts.values import ObjectRef
from casia_read_models import CommandResult, StoredCommandOutcome
from casia_runtime.clock import Clock
from casia_runtime.consumer import PoisonMessage, in_its_trace
from casia_runtime.logging import bound_correlation, get_logger
from casia_runtime.messages import InboundMessage, OutboundMessage
from casia_workflow import domain as d
from casia_workflow.service.commands_in import actor_of, person
from casia_workflow.service.deciders import (
    CaseNotYetKnown,
    Decider,
    UnknownCase,
    decider_for,
    deciding,
    existing,
)
from casia_workflow.service.events_out import base, public_event
from casia_workflow.service.ports import CaseRepository, ClosureDeadlines, Transaction, Transactions
from casia_workflow.service.storage_requests import storage_requests, uploads_of

log = get_logger(__name__)

__all__ = ["COMMAND_TYPE_PREFIX", "CaseNotYetKnown", "Cause", "UnknownCase", "Workflow"]

SOURCE = "/casia/workflow"
COMMAND_TYPE_PREFIX = "es.casia.case.command."
EVENTS_PER_VERSION = 1000  # far more than one decision emits; the last slot is for a rejection
STORAGE_REQUESTS_FROM = 500  # a decision's StoreDocument requests follow its events
EVENT_NAMESPACE = uuid.UUID("0b6f7d3e-2f0a-4b8e-8d7c-5e1f9a2c4d61")


@dataclass(frozen=True, slots=True)
class Cause:
    """The message being applied (None for the timer) and the journey it belongs to."""

    message_id: str | None
    causality: Causality
    command_type: str | None = None
    sender: d.Actor = field(default_factory=d.Actor.system)
    """Who sent the command (the actor a rejection is reported for)."""
    uploads: Mapping[str, ObjectRef] = field(default_factory=dict)
    """Where the documents the command attaches wait in quarantine, by document id."""


@dataclass(frozen=True, kw_only=True)
class Workflow:
    """The use cases, with the ports they work through (built once by the composition root)."""

    transactions: Transactions
    deadlines: ClosureDeadlines
    clock: Clock
    on_commit: Callable[[], None]
    """Called after a commit that wrote outbox entries (wakes the relay)."""

    async def handle(self, message: InboundMessage) -> None:
        """Apply one message from the commands or document-events topic, exactly once.

        Commits the new case, its public events (or one ``command_rejected`` for a refused
        command) and the message id together; a redelivery finds the id and writes nothing.
        Raises PoisonMessage for what can never be read or applied (dead-lettered at once): an
        unreadable message, or UnknownCase for a command whose case was never opened. Any other error
        is transient and the message is retried: CaseNotYetKnown (parked, retried later) for a
        document outcome that overtook its case, ConcurrentChange, the database's own. A raise
        leaves nothing written.
        """
        applying = _Applying.of(message)
        with applying.context():
            written = await self._apply(applying.case_number, applying.decider, applying.cause)
            applying.log(written)

    async def handle_together(self, messages: Sequence[InboundMessage]) -> None:
        """Apply many messages, in the order given, in one transaction: each as :meth:`handle`
        would, for fewer round trips to the database.

        All or nothing: if any one of them would raise in :meth:`handle` (unreadable, too early,
        conflicting...), this raises having written nothing, and each is then handled alone.
        """
        batch = [_Applying.of(message) for message in messages]
        at = self.clock()

        async def work(tx: Transaction) -> list[int]:
            written = []
            for applying, message in zip(batch, messages, strict=True):
                with in_its_trace(message), applying.context():
                    written.append(
                        await self._apply_in(tx, applying.case_number, applying.decider, applying.cause, at)
                    )
            return written

        written = await self.transactions.run_batch(
            work,
            message_ids=[applying.cause.message_id for applying in batch if applying.cause.message_id],
            case_numbers={applying.case_number for applying in batch},
        )
        if any(written):
            self.on_commit()
        for applying, events in zip(batch, written, strict=True):
            with applying.context():
                applying.log(events)

    async def close_due_cases(self, *, limit: int = 100) -> int:
        """Close ex officio every case whose 20-day information deadline has passed.

        Returns how many cases were due. Safe with several workflow instances and repeated
        sweeps: the domain refuses a case that is no longer due (nothing is written then), and
        concurrent closures of one case conflict in the transaction, so one wins.
        """
        now = self.clock()
        due = await self.deadlines.due_for_closure(now=now, limit=limit)
        for case_number in due:
            closure = d.CloseExOfficio(case_number=case_number, actor=d.Actor.system())
            cause = Cause(None, Causality.start(f"closure:{case_number}"))
            try:
                await self._apply(case_number, existing(deciding(closure)), cause)
            except Exception:  # one failing case must not keep the others open: next sweep retries it
                log.exception("closure.failed", case_number=case_number)
        return len(due)

    async def _apply(self, case_number: d.CaseNumber, decider: Decider, cause: Cause) -> int:
        """Apply in one transaction; returns how many events it wrote (0 for a redelivery)."""
        at = self.clock()
        written = await self.transactions.run(lambda tx: self._apply_in(tx, case_number, decider, cause, at))
        if written:
            self.on_commit()
        return written

    async def _apply_in(
        self, tx: Transaction, case_number: d.CaseNumber, decider: Decider, cause: Cause, at: datetime
    ) -> int:
        """Apply within ``tx``; returns how many events it wrote (0 for a redelivery). May run more
        than once (conflicts): everything it does goes through ``tx``."""
        if cause.message_id and await tx.inbox.seen(cause.message_id):
            return 0
        case = await tx.cases.get(case_number)
        outbound, outcome = await self._decide_and_store(tx.cases, case, decider, cause, at=at)
        await tx.outbox.add(outbound)
        if outcome is not None:
            await tx.outcomes.record(outcome)
        if cause.message_id:
            await tx.inbox.record(cause.message_id, at=at)
        return len(outbound)

    async def _decide_and_store(
        self, cases: CaseRepository, case: d.Case | None, decider: Decider, cause: Cause, *, at: datetime
    ) -> tuple[list[OutboundMessage], StoredCommandOutcome | None]:
        """The events to publish, and what became of the command (None for what is no command)."""
        try:
            decision = decider(case, at)
        except d.CommandRefused as refusal:
            log.info("command.refused", reason_code=refusal.reason_code, reason=refusal.message)
            refused = _outcome(cause, case, at=at, refusal=refusal)
            return self._rejection(case, refusal, cause, at=at), refused
        if case is None:
            await cases.add(decision.case)
        else:
            await cases.replace(decision.case, expected_version=case.version)
        version = decision.case.version
        events = [
            _outbound(public_event(decision.case, event), cause=cause, index=i, at=at, version=version)
            for i, event in enumerate(decision.events)
        ]
        requests = storage_requests(case, decision.case, cause.uploads)
        events += [
            _outbound(
                request, cause=cause, index=STORAGE_REQUESTS_FROM + i, at=at, version=decision.case.version
            )
            for i, request in enumerate(requests)
        ]
        return events, _outcome(cause, decision.case, at=at)

    def _rejection(
        self, case: d.Case | None, refusal: d.CommandRefused, cause: Cause, *, at: datetime
    ) -> list[OutboundMessage]:
        if case is None or cause.message_id is None or cause.command_type is None:
            return []  # nothing to report on: no case, or the timer's own no-op
        if not cause.command_type.startswith(COMMAND_TYPE_PREFIX):
            return []  # document outcomes refused (e.g. duplicates) are not the user's business
        fields = base(case, d.DomainEvent(case_number=case.number, at=at, actor=cause.sender))
        rejected = case_events.CommandRejected(
            **fields,
            command_type=cause.command_type,
            command_id=cause.message_id,
            reason_code=str(refusal.reason_code),
            reason=refusal.message,
        )
        # After the events of the version it refers to, whichever instance wrote them.
        return [_outbound(rejected, cause=cause, index=EVENTS_PER_VERSION - 1, at=at, version=case.version)]


def _outcome(
    cause: Cause, case: d.Case | None, *, at: datetime, refusal: d.CommandRefused | None = None
) -> StoredCommandOutcome | None:
    """The outcome of a command (applied, or refused and why); None for the timer's work and
    document outcomes, which no request waits for."""
    if cause.message_id is None or not (cause.command_type or "").startswith(COMMAND_TYPE_PREFIX):
        return None
    return StoredCommandOutcome(
        command_id=cause.message_id,
        case_number=case.number if case is not None else "",
        result=CommandResult.REFUSED if refusal else CommandResult.APPLIED,
        version=case.version if case is not None else 0,
        reason_code=str(refusal.reason_code) if refusal else None,
        reason=refusal.message if refusal else None,
        at=at,
    )


@dataclass(frozen=True, slots=True)
class _Applying:
    """A message read, about to be applied: its case, its decider and its cause."""

    event: RawEvent
    data: Message
    case_number: d.CaseNumber
    decider: Decider
    cause: Cause

    @classmethod
    def of(cls, message: InboundMessage) -> _Applying:
        """Raises PoisonMessage if ``message`` can never be read or applied."""
        event, data = _parse(message)
        cause = Cause(event.id, Causality.caused_by(event), event.type, _sender(data), uploads_of(data))
        return cls(event, data, d.CaseNumber(data.case_number), decider_for(data, event), cause)

    def context(self) -> AbstractContextManager[None]:
        """The log fields of the work on this message."""
        return bound_correlation(self.event.correlationid, case_number=self.case_number)

    def log(self, events: int) -> None:
        log.info("message.applied", message_type=self.event.type, message_id=self.event.id, events=events)


def _sender(data: Message) -> d.Actor:
    """The person a command comes from, as the domain names actors."""
    match data:
        case commands.OpenCase():
            return d.Actor.autorizado(person(data.opened_by))
        case commands.PersonCommand():
            return actor_of(data)
    return d.Actor.system()


def _parse(message: InboundMessage) -> tuple[RawEvent, Message]:
    try:
        event = RawEvent.model_validate_json(message.value)
        return event, parse_data(event)
    except ValueError as error:
        raise PoisonMessage(str(error)) from error


def _outbound(
    data: case_events.CaseEvent | StoreDocument, *, cause: Cause, index: int, at: datetime, version: int
) -> OutboundMessage:
    """The event as an outbox entry, ordered within its case by version, then by ``index``."""
    # Derived from the cause, so a retried transaction writes the same ids.
    seed = f"{cause.message_id or cause.causality.correlation_id}:{data.message_type}:{index}"
    event = build_event(
        data,
        event_id=str(uuid.uuid5(EVENT_NAMESPACE, seed)),
        source=SOURCE,
        time=at,
        causality=cause.causality,
    )
    sequence = version * EVENTS_PER_VERSION + index
    return OutboundMessage.from_envelope(event, topic=data.topic, key=data.case_number, sequence=sequence)
