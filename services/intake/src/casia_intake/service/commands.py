"""The one path by which the gateway sends a command and learns what became of it.

A command is sent (Kafka acknowledges it, or the send fails in a way the answer must tell) and
its outcome awaited: the workflow records, in the same transaction as its decision, whether it
applied the command (and the case's new version) or refused it (and why). The answer follows
from that: applied, refused, or pending when the outcome is not known within the wait.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casia_contracts.base import Message
from casia_intake.service.ports import CommandOutcomes, CommandSender, DeliveryUnknown, IdempotencyScope
from casia_intake.service.requests import NewCommand, Requests
from casia_read_models import CommandResult, StoredCommandOutcome
from casia_runtime.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Applied:
    """The workflow applied the command: the case stands at ``version`` (or later)."""

    case_number: str
    version: int


@dataclass(frozen=True, slots=True)
class Refused:
    """The workflow refused the command; ``reason_code`` is stable, ``reason`` is for people."""

    case_number: str
    reason_code: str
    reason: str


@dataclass(frozen=True, slots=True)
class Pending:
    """Not known yet: Kafka has the command (``sent``) and the workflow has not decided within the
    wait, or Kafka did not acknowledge it in time and it was kept to be sent again (not ``sent``)."""

    case_number: str
    sent: bool


Outcome = Applied | Refused | Pending


@dataclass(frozen=True, slots=True)
class RequestContext:
    """The HTTP request a command comes from: when it was accepted, the id its logs and events
    carry, and its Idempotency-Key, if any."""

    at: datetime
    correlation_id: str
    idempotency: IdempotencyScope | None = None


class CommandPath:
    def __init__(
        self, *, sender: CommandSender, outcomes: CommandOutcomes, requests: Requests, wait_seconds: float
    ) -> None:
        self._sender = sender
        self._outcomes = outcomes
        self._requests = requests
        self._wait = wait_seconds

    async def send(
        self,
        context: RequestContext,
        *,
        request: dict[str, Any],
        new: NewCommand,
        build: Callable[[str], Message],
    ) -> Outcome:
        """The outcome of the command ``build`` makes for the request's case.

        With an Idempotency-Key, a repeat of ``request`` gets the first one's case and command
        id: its command is sent again only if Kafka never acknowledged it, else only its outcome
        is awaited. Raises BrokerUnavailable (nothing changes; the key stays free to retry) and
        IdempotencyConflict (the key was used for another request).
        """
        ticket = await self._requests.ticket(context.idempotency, request=request, new=new, at=context.at)
        if ticket.sent:
            return await self.outcome_of(ticket.command_id, case_number=ticket.case_number)
        command = build(ticket.case_number)
        outcome = await self.submit(
            command, command_id=ticket.command_id, at=context.at, correlation_id=context.correlation_id
        )
        if not isinstance(outcome, Pending) or outcome.sent:
            await self._requests.sent(context.idempotency)
        return outcome

    async def submit(
        self, command: Message, *, command_id: str, at: datetime, correlation_id: str
    ) -> Outcome:
        """Send ``command`` under ``command_id`` and await its outcome (up to the wait).

        Raises BrokerUnavailable when the command never left (nothing changes). Sending the same
        command id again is harmless: the workflow applies a command once.
        """
        try:
            await self._sender.send(command, command_id=command_id, correlation_id=correlation_id, at=at)
        except DeliveryUnknown:
            log.info(
                "command.outcome", case_number=command.case_number, command_id=command_id, outcome="Unsent"
            )
            return Pending(command.case_number, sent=False)  # Kafka is struggling: do not wait for it
        return await self.outcome_of(command_id, case_number=command.case_number)

    async def outcome_of(self, command_id: str, *, case_number: str) -> Outcome:
        """What became of a command already sent (a repeated request), waiting up to the wait."""
        recorded = await self._outcomes.wait_for(command_id, within=self._wait)
        outcome = _outcome(recorded, case_number=case_number)
        log.info(
            "command.outcome", case_number=case_number, command_id=command_id, outcome=type(outcome).__name__
        )
        return outcome


def _outcome(recorded: StoredCommandOutcome | None, *, case_number: str) -> Outcome:
    if recorded is None:
        return Pending(case_number, sent=True)
    if recorded.result == CommandResult.APPLIED:
        return Applied(case_number, recorded.version)
    return Refused(
        case_number, recorded.reason_code or "refused", recorded.reason or "La petición no se aplicó."
    )
