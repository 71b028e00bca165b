"""Opening a case: allocate its number, send the command, never claim success Kafka did not ack.

Idempotency: with an ``Idempotency-Key`` the first request claims the key for a newly allocated
case number; a repeat (same caller, authorization, key and body) gets the same case number and,
if the first attempt never reached Kafka, re-sends the same command (same CloudEvent id, so the
workflow applies it once). The same key with a different body is refused.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from casia_contracts.commands import OpenCase
from casia_intake.domain.case_numbers import numbering_year
from casia_intake.service.ports import (
    CaseNumbers,
    CommandSender,
    DeliveryUnknown,
    IdempotencyKeys,
    IdempotencyScope,
)

Draft = Callable[[str], OpenCase]
"""Builds the command for a given case number (called with a placeholder to fingerprint it)."""

# Command ids derive from what makes a command unique, so a retried request re-sends the same id.
COMMAND_NAMESPACE = uuid.UUID("6f1c1a6e-9f4e-4c55-9a43-2b1d7c0e5a10")


class IdempotencyConflict(Exception):
    """The key was already used for a different request."""


@dataclass(frozen=True, slots=True)
class Opening:
    """The number of the case being opened, and whether Kafka acknowledged its command.

    Unconfirmed: the producer took the command but Kafka did not acknowledge it in time; it was
    kept and is sent again until acknowledged (:class:`~casia_intake.service.ports.DeliveryUnknown`).
    """

    case_number: str
    confirmed: bool


class CaseOpening:
    def __init__(self, *, numbers: CaseNumbers, keys: IdempotencyKeys, sender: CommandSender) -> None:
        self._numbers = numbers
        self._keys = keys
        self._sender = sender

    async def open(
        self, draft: Draft, *, at: datetime, correlation_id: str, idempotency: IdempotencyScope | None
    ) -> Opening:
        """Send the OpenCase that ``draft`` builds for the allocated number.

        Without ``idempotency`` every call allocates a new number. With it, a repeat returns the
        number the first call allocated and sends nothing more once a send was acknowledged.
        The command id is the same for every send of one case number.

        Raises :class:`~casia_intake.service.ports.BrokerUnavailable` when the command never
        left (the key is then left unpublished, so a retry sends again), and
        :class:`IdempotencyConflict` for a key reused with a different request.
        """
        if idempotency is None:
            case_number = await self._numbers.allocate(year=numbering_year(at))
            confirmed = await self._send(draft(case_number), at=at, correlation_id=correlation_id)
            return Opening(case_number, confirmed)
        return await self._open_once(draft, at=at, correlation_id=correlation_id, scope=idempotency)

    async def _send(self, command: OpenCase, *, at: datetime, correlation_id: str) -> bool:
        """Whether Kafka acknowledged the command (False: kept, to be sent again)."""
        try:
            # One id per case number: a re-sent OpenCase is recognised by the workflow's inbox.
            await self._sender.send(
                command,
                command_id=stable_command_id("open", command.case_number),
                correlation_id=correlation_id,
                at=at,
            )
        except DeliveryUnknown:
            return False
        return True

    async def _open_once(
        self, draft: Draft, *, at: datetime, correlation_id: str, scope: IdempotencyScope
    ) -> Opening:
        request_hash = _fingerprint(draft("-"))
        record = await self._keys.find(scope)
        if record is None:
            record = await self._keys.claim(
                scope,
                case_number=await self._numbers.allocate(year=numbering_year(at)),
                request_hash=request_hash,
                at=at,
            )
        if record.request_hash != request_hash:
            raise IdempotencyConflict(scope.key)
        if record.published:
            return Opening(record.case_number, confirmed=True)
        confirmed = await self._send(draft(record.case_number), at=at, correlation_id=correlation_id)
        if confirmed:  # unconfirmed, the key stays unpublished: a retry sends the same command again
            await self._keys.mark_published(scope)
        return Opening(record.case_number, confirmed)


def stable_command_id(*parts: str) -> str:
    """The same id for the same parts, across requests and processes (a UUID v5)."""
    return str(uuid.uuid5(COMMAND_NAMESPACE, "|".join(parts)))


def _fingerprint(command: OpenCase) -> str:
    """What identifies a request for idempotency: the command without its number."""
    body = command.model_dump(mode="json", exclude={"case_number"})
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
