"""What the gateway needs from the outside world, and nothing more (STYLE.md §6).

Opening a case needs three capabilities: :class:`CaseNumbers` (allocation), :class:`IdempotencyKeys`
(which case a repeated request opened) and :class:`CommandSender` (Kafka, acknowledged or not).
The routes also read the workflow's cases (:class:`CaseReader`) and the receipts service's
justificantes (:class:`ReceiptReader`), and keep the authorization's contact details
(:class:`ContactStore`).

The MongoDB and Kafka implementations live in ``adapters/``; the in-memory fakes in
``tests/fakes.py``; ``tests/contract/`` holds them both to these contracts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from casia_contracts.base import Message
from casia_intake.service.receipts import IssuedReceipt
from casia_read_models import StoredCase, StoredCommandOutcome


class BrokerUnavailable(Exception):
    """The command never left the gateway (the producer did not take it): nothing will change,
    and a retry may send it again."""


class DeliveryUnknown(Exception):
    """The producer took the command but Kafka did not acknowledge it in time: it may be applied
    later. The sender has kept it and sends it again until Kafka acknowledges it, so it will be
    applied, once (its id is stable), unless keeping it failed too."""


@dataclass(frozen=True, slots=True)
class IdempotencyScope:
    """An ``Idempotency-Key`` belongs to one caller acting for one authorization."""

    caller: str
    authorization: str
    key: str

    @property
    def id(self) -> str:
        return f"{self.caller}|{self.authorization}|{self.key}"


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """What a key stands for: the case and the id of the command its request sends, a
    fingerprint of the request, and whether Kafka acknowledged the command."""

    case_number: str
    command_id: str
    request_hash: str
    published: bool


@dataclass(frozen=True, slots=True)
class Contact:
    """An authorization's contact e-mail and consent to receive notices; empty until first set."""

    authorization_number: str
    email: str | None
    consent: bool
    updated_at: datetime | None
    updated_by: str | None

    @classmethod
    def empty(cls, authorization_number: str) -> Contact:
        return cls(authorization_number, None, False, None, None)


class CaseNumbers(Protocol):
    async def allocate(self, *, year: int) -> str:
        """The next number of ``year``'s sequence, ``CAS-<year>-<7 digits>``, starting at 1.

        Atomic: concurrent callers get distinct, consecutive numbers; years are independent.
        """
        ...


class IdempotencyKeys(Protocol):
    """Which case an ``Idempotency-Key`` opened, per scope (kept for at least a week)."""

    async def find(self, scope: IdempotencyScope) -> IdempotencyRecord | None:
        """The record claimed for ``scope``, with its latest ``published``; None if unclaimed."""
        ...

    async def claim(
        self, scope: IdempotencyScope, record: IdempotencyRecord, *, at: datetime
    ) -> IdempotencyRecord:
        """Store ``record`` (unpublished) for ``scope`` and return it; if ``scope`` was already
        claimed (a concurrent request won), store nothing and return the stored record."""
        ...

    async def mark_published(self, scope: IdempotencyScope) -> None:
        """Record that the command of ``scope``'s case was acknowledged; ``find`` shows it."""
        ...


class CommandSender(Protocol):
    async def send(self, command: Message, *, command_id: str, correlation_id: str, at: datetime) -> None:
        """Publish ``command`` keyed by its case number and return once the broker acknowledged.

        ``command_id`` is the message id the consumer deduplicates by: re-sending a command with
        the same id is harmless. Raises :class:`BrokerUnavailable` when the command certainly
        never reached the broker, and :class:`DeliveryUnknown` when it may have (it is then kept
        and sent again until acknowledged).
        """
        ...


class CaseReader(Protocol):
    async def get(self, case_number: str) -> StoredCase | None:
        """The case as the workflow stored it (the read model); None if not (yet) stored."""
        ...


class ReceiptReader(Protocol):
    """The justificantes the receipts service keeps (``receipts``), issued ones only: a receipt
    still waiting for its documents or for its PDF is not found by any of these."""

    async def of_case(self, case_number: str) -> list[IssuedReceipt]:
        """The case's issued receipts, oldest first (by ``issued_at``, then ``receipt_id``)."""
        ...

    async def get(self, receipt_id: str) -> IssuedReceipt | None:
        """The issued receipt ``receipt_id``, of whichever case; None otherwise."""
        ...

    async def by_cea(self, cea: str) -> IssuedReceipt | None:
        """The issued receipt whose CEA is exactly ``cea`` (canonical form: the caller parses
        what a person typed); None otherwise."""
        ...

    async def by_pdf_sha256(self, sha256: str) -> IssuedReceipt | None:
        """The issued receipt whose PDF has this SHA-256 (lower-case hex); None otherwise."""
        ...


class CommandOutcomes(Protocol):
    """What became of the commands the gateway sent, as the workflow records it."""

    async def wait_for(self, command_id: str, *, within: float) -> StoredCommandOutcome | None:
        """The outcome of ``command_id`` once recorded, waiting up to ``within`` seconds; None if
        it is not recorded by then, or if the database cannot say (the command is on its way
        either way: a failed read must not turn its answer into a failure)."""
        ...


class ContactStore(Protocol):
    async def get(self, authorization_number: str) -> Contact:
        """The contact last put for the authorization, or :meth:`Contact.empty`."""
        ...

    async def put(self, contact: Contact) -> None:
        """Replace the authorization's contact with ``contact``."""
        ...


StoredT_co = TypeVar("StoredT_co", covariant=True)


class Lookup(Protocol[StoredT_co]):
    """Another service's records, by key (``documents`` of the documents service)."""

    async def get(self, key: str) -> StoredT_co | None: ...


class ObjectReader(Protocol):
    def stream(self, bucket: str, key: str) -> AsyncIterator[bytes]:
        """The object's bytes in chunks (never the whole object at once)."""
        ...
