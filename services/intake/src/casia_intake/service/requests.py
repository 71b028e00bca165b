"""Idempotency-Key: the same key with the same request is the same command, sent once.

A request with a key claims a record for (caller, authorization, key) holding the case and the
command id its command is sent under, both fixed before anything is sent, and a fingerprint of
the request. A repeat with the same fingerprint gets the same case and command id (a re-send is
harmless: the workflow applies a command once; once Kafka acknowledged it, nothing is sent
again); a repeat with another fingerprint is refused. Without a key, every request is new.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casia_intake.service.ports import IdempotencyKeys, IdempotencyRecord, IdempotencyScope
from casia_runtime.logging import get_logger

log = get_logger(__name__)

# Command ids derive from what makes a command unique, so a retried request re-sends the same id.
COMMAND_NAMESPACE = uuid.UUID("6f1c1a6e-9f4e-4c55-9a43-2b1d7c0e5a10")


class IdempotencyConflict(Exception):
    """The key was already used for a different request."""


@dataclass(frozen=True, slots=True)
class NewCommand:
    """How a request that is not a repeat gets its case and its command id."""

    case_number: Callable[[], Awaitable[str]]
    """The case the command is for (opening allocates a number; an action names its case, after
    checking what the gateway can see for sure). Called only for a request that is not a repeat,
    before its key is claimed: what it raises leaves the key free."""
    command_id: Callable[[str], str] = lambda case_number: str(uuid.uuid4())
    """The command's id for that case (an opening's derives from its number)."""


@dataclass(frozen=True, slots=True)
class Ticket:
    """The case and the command id a request's command goes under, and whether Kafka has
    already acknowledged that command (a repeat: do not send it again, ask what became of it)."""

    case_number: str
    command_id: str
    sent: bool


class Requests:
    def __init__(self, keys: IdempotencyKeys) -> None:
        self._keys = keys

    async def ticket(
        self, scope: IdempotencyScope | None, *, request: dict[str, Any], new: NewCommand, at: datetime
    ) -> Ticket:
        """The ticket for ``request`` (its fingerprint is what a repeat must match); ``new`` is
        used only for a request that is not a repeat. Raises :class:`IdempotencyConflict` for a
        key used with another request."""
        if scope is None:
            number = await new.case_number()
            return Ticket(number, new.command_id(number), sent=False)
        fingerprint = _fingerprint(request)
        record = await self._keys.find(scope)
        if record is None:
            number = await new.case_number()
            fresh = IdempotencyRecord(number, new.command_id(number), fingerprint, published=False)
            record = await self._keys.claim(scope, fresh, at=at)
        if record.request_hash != fingerprint:
            raise IdempotencyConflict(scope.key)
        return Ticket(record.case_number, record.command_id, sent=record.published)

    async def sent(self, scope: IdempotencyScope | None) -> None:
        """Remember that Kafka acknowledged the key's command. Best effort: if this fails, a
        repeat sends the same command id again, which the workflow ignores."""
        if scope is None:
            return
        try:
            await self._keys.mark_published(scope)
        except Exception as error:
            log.warning("idempotency.mark_failed", error=repr(error))


def stable_command_id(*parts: str) -> str:
    """The same id for the same parts, across requests and processes (a UUID v5)."""
    return str(uuid.uuid5(COMMAND_NAMESPACE, "|".join(parts)))


def _fingerprint(request: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()
