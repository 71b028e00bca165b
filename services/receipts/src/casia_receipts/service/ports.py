"""The capabilities the receipts use cases work through (STYLE.md §6)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO, Protocol

from casia_read_models import StoredCase, StoredReceipt
from casia_receipts.domain.receipt import ReceiptContent
from casia_runtime.ports import MessageTransaction
from casia_runtime.ports import Transactions as TransactionsOf


class Receipts(Protocol):
    """``receipts`` within one transaction."""

    async def add(self, receipt: StoredReceipt) -> None:
        """Record a new receipt. Raises ConcurrentChange if its id (or its CEA) is taken."""
        ...

    async def waiting_for(self, case_number: str, document_id: str) -> list[StoredReceipt]:
        """The case's receipts still waiting for the decision on ``document_id``."""
        ...

    async def replace(self, receipt: StoredReceipt) -> None: ...

    async def mark_issued(self, receipt: StoredReceipt) -> bool:
        """Store ``receipt`` (issued, with its PDF) if it is still ready; False if another issuer
        got there first (nothing written)."""
        ...


class Cases(Protocol):
    async def get(self, case_number: str) -> StoredCase | None:
        """The case as the workflow stored it (read model)."""
        ...


class Transaction(MessageTransaction, Protocol):
    @property
    def receipts(self) -> Receipts: ...

    @property
    def cases(self) -> Cases: ...


Transactions = TransactionsOf[Transaction]


class ReceiptReader(Protocol):
    """``receipts`` read outside any transaction."""

    async def get(self, receipt_id: str) -> StoredReceipt | None: ...

    async def ready(self, *, case_number: str | None = None, limit: int = 100) -> Sequence[StoredReceipt]:
        """Receipts whose content is fixed and whose PDF is not stored yet (of one case, or any)."""
        ...


class AppliedEvents(Protocol):
    async def seen(self, event_id: str) -> bool: ...


class PdfStore(Protocol):
    async def put(self, bucket: str, key: str, source: BinaryIO, *, size: int, content_type: str) -> None: ...


class Renderer(Protocol):
    async def render(self, content: ReceiptContent) -> bytes:
        """The justificante's PDF; the same content always gives the same bytes."""
        ...
