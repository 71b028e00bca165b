"""Which decision a message asks of its case: the anti-corruption edge from a parsed command or
document outcome to the pure domain's decision, with the refusals only the message's arrival can
tell (a case never opened, a document outcome that overtook its case, a stale If-Match)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from casia_contracts import commands, documents
from casia_contracts.base import Message
from casia_contracts.envelope import RawEvent
from casia_runtime.clock import to_milliseconds
from casia_runtime.consumer import NotYet, PoisonMessage
from casia_workflow import domain as d
from casia_workflow.service.commands_in import case_command, opening_command

Decider = Callable[[d.Case | None, datetime], d.Decision]


class UnknownCase(PoisonMessage):
    """A command for a case that was never opened. Commands follow their case's OpenCase on the
    same partition (both are keyed by the case number), so it never will be: dead-lettered for an
    operator, not dropped in silence."""


class CaseNotYetKnown(NotYet):
    """A document outcome arrived before its case (another topic): parked and retried patiently
    until the workflow has applied the case's OpenCase. It may then be applied after later
    messages of its case, which NotYet allows here: an outcome decides only its own document."""


def decider_for(data: Message, event: RawEvent) -> Decider:
    match data:
        case commands.OpenCase():
            opening = opening_command(data)
            return lambda case, at: _open(case, opening, opened_at=to_milliseconds(event.time))
        case commands.PersonCommand():
            return existing(_seen_at(data.expected_version, deciding(case_command(data))))
        case documents.DocumentStored():
            stored = data
            return _known(
                lambda case, at: d.record_document_stored(
                    case, document_id=d.DocumentId(stored.document_id), sha256=stored.sha256, at=at
                )
            )
        case documents.DocumentRejected():
            rejected = data
            return _known(
                lambda case, at: d.record_document_rejected(
                    case,
                    document_id=d.DocumentId(rejected.document_id),
                    reason_code=rejected.reason_code,
                    reason=rejected.reason,
                    at=at,
                )
            )
    raise PoisonMessage(f"the workflow does not handle {event.type}")


def _open(case: d.Case | None, command: d.OpenCase, *, opened_at: datetime) -> d.Decision:
    """Alta at the time intake accepted it; an existing number was opened by an earlier command."""
    if case is not None:
        raise d.CommandRefused(d.ReasonCode.ILLEGAL_TRANSITION, f"El caso {case.number} ya existe.")
    return d.open_case(command, at=opened_at)


def deciding(command: d.CaseCommand) -> Callable[[d.Case, datetime], d.Decision]:
    return lambda case, at: d.decide(case, command, at=at)


def _seen_at(
    expected_version: int | None, decide: Callable[[d.Case, datetime], d.Decision]
) -> Callable[[d.Case, datetime], d.Decision]:
    """Refuse (stale_version) a command whose sender saw another version of the case (If-Match)."""

    def decider(case: d.Case, at: datetime) -> d.Decision:
        if expected_version is not None and case.version != expected_version:
            raise d.CommandRefused(
                d.ReasonCode.STALE_VERSION,
                "El caso ha cambiado desde que lo consultó; consúltelo de nuevo antes de actuar.",
            )
        return decide(case, at)

    return decider


def existing(decide: Callable[[d.Case, datetime], d.Decision]) -> Decider:
    def decider(case: d.Case | None, at: datetime) -> d.Decision:
        if case is None:
            raise UnknownCase("no case with this number was ever opened")
        return decide(case, at)

    return decider


def _known(decide: Callable[[d.Case, datetime], d.Decision]) -> Decider:
    def decider(case: d.Case | None, at: datetime) -> d.Decision:
        if case is None:
            raise CaseNotYetKnown("the case of this document is not stored yet")
        return decide(case, at)

    return decider
