"""Opening a case: allocate its number and send OpenCase through the one command path.

An OpenCase's id derives from its case number, so every send of one case's opening carries the
same id. Without an Idempotency-Key every request allocates a new number; with one, a repeat gets
the number the first request allocated (see :mod:`casia_intake.service.requests`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from casia_contracts.commands import OpenCase
from casia_intake.domain.case_numbers import numbering_year
from casia_intake.service.commands import CommandPath, Outcome, RequestContext
from casia_intake.service.ports import CaseNumbers
from casia_intake.service.requests import NewCommand, stable_command_id

Draft = Callable[[str], OpenCase]
"""Builds the command for a given case number (called with a placeholder to fingerprint it)."""


class CaseOpening:
    def __init__(self, *, numbers: CaseNumbers, commands: CommandPath) -> None:
        self._numbers = numbers
        self._commands = commands

    async def open(self, draft: Draft, context: RequestContext, *, files: list[dict[str, Any]]) -> Outcome:
        """The outcome of the OpenCase ``draft`` builds for the allocated number (Applied: the
        case is stored). ``files`` are the fingerprints of its documents (a repeat must bring the
        same files). Raises BrokerUnavailable and IdempotencyConflict as CommandPath.send."""

        async def allocate() -> str:
            return await self._numbers.allocate(year=numbering_year(context.at))

        new = NewCommand(case_number=allocate, command_id=lambda number: stable_command_id("open", number))
        opening = draft("-").model_dump(mode="json", exclude={"case_number", "documents"})
        request = {"open": opening, "files": files} if files else {"open": opening}
        return await self._commands.send(context, request=request, new=new, build=draft)
