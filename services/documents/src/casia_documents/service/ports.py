"""The capabilities the documents use case works through (STYLE.md §6)."""

from __future__ import annotations

from datetime import datetime
from typing import BinaryIO, Protocol

from casia_read_models import StoredFile
from casia_runtime.ports import MessageTransaction
from casia_runtime.ports import Transactions as TransactionsOf


class ObjectStore(Protocol):
    """The S3-compatible store: quarantine in, documents out."""

    async def fetch(self, bucket: str, key: str, into: BinaryIO, *, max_bytes: int) -> bool:
        """Copy the object into ``into`` (at most ``max_bytes`` + 1 bytes, so an oversize object
        is seen as such without being read whole). False when there is no such object."""
        ...

    async def put(self, bucket: str, key: str, source: BinaryIO, *, size: int, content_type: str) -> None:
        """Write ``size`` bytes of ``source`` (from its start) as the object; overwrites."""
        ...

    async def remove(self, bucket: str, key: str) -> None:
        """Delete the object; nothing happens if there is none."""
        ...

    async def keys_older_than(self, bucket: str, moment: datetime, *, prefix: str = "") -> list[str]:
        """The keys (under ``prefix``) of the bucket's objects last written before ``moment``."""
        ...


class FileRecords(Protocol):
    async def add(self, record: StoredFile) -> None:
        """Record a decided document. Raises ConcurrentChange if it is already recorded."""
        ...


class Transaction(MessageTransaction, Protocol):
    @property
    def files(self) -> FileRecords: ...


Transactions = TransactionsOf[Transaction]


class AppliedMessages(Protocol):
    async def seen(self, message_id: str) -> bool:
        """Whether a committed transaction recorded the message (read outside any transaction)."""
        ...
