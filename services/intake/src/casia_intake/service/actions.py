"""Actions on an existing case (every POST but the alta), sent through the one command path.

The gateway refuses at once only what it can see for sure: an ``If-Match`` naming another
version than the case has (412), and an action the case does not allow as it stands, per the
``allowed_actions`` the workflow keeps in the read model (409). Everything else is the
workflow's to decide; a request with an Idempotency-Key already used is a repeat, answered with
what became of its command, whatever the case is now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from casia_contracts.commands import PersonCommand
from casia_intake.service.commands import CommandPath, Outcome, RequestContext
from casia_intake.service.requests import NewCommand
from casia_read_models import StoredCase


class StaleCase(Exception):
    """The caller saw another version of the case (If-Match) than the one it has now."""

    def __init__(self, *, seen: int, current: int) -> None:
        super().__init__(f"seen version {seen}, current {current}")
        self.seen = seen
        self.current = current


class NotAllowedNow(Exception):
    """The case, as it stands, does not allow the action (e.g. rating an open case)."""

    def __init__(self, action: str, case: StoredCase) -> None:
        super().__init__(f"{action} not allowed in {case.status}/{case.substatus}")
        self.action = action
        self.status_label = case.status_label
        self.substatus_label = case.substatus_label


@dataclass(frozen=True, slots=True)
class CaseAction:
    """What a route asks: the action (as ``allowed_actions`` names it), the request body as
    received (what a repeat must match) and the command it becomes for the version the caller
    saw (``If-Match``, or None)."""

    name: str
    body: dict[str, Any]
    command: Callable[[int | None], PersonCommand] = field(compare=False)


class CaseActions:
    def __init__(self, commands: CommandPath) -> None:
        self._commands = commands

    async def perform(
        self, action: CaseAction, context: RequestContext, *, case: StoredCase, if_match: int | None
    ) -> Outcome:
        """The outcome of ``action`` on ``case``. Raises StaleCase (412) and NotAllowedNow (409)
        for a new request; BrokerUnavailable and IdempotencyConflict as CommandPath.send."""
        request = {"action": action.name, "case": case.case_number, "body": action.body, "if_match": if_match}

        async def checked_case() -> str:
            """Asked only of a request that is not a repeat: a repeat gets its first outcome."""
            if if_match is not None and if_match != case.version:
                raise StaleCase(seen=if_match, current=case.version)
            if action.name not in case.allowed_actions:
                raise NotAllowedNow(action.name, case)
            return case.case_number

        new = NewCommand(case_number=checked_case)
        return await self._commands.send(
            context, request=request, new=new, build=lambda case_number: action.command(if_match)
        )
