"""The justificantes as the gateway may show them: issued ones only.

The receipts service records a receipt before it is issued (``waiting``, then ``ready``); only
once its PDF is stored is it ``issued``, with its issue time, PDF and fingerprint fixed. Readers
(:class:`~casia_intake.service.ports.ReceiptReader`) hand out :class:`IssuedReceipt`, so a route
never sees a receipt whose PDF does not exist yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from casia_read_models import ReceiptStatus, StoredObject, StoredReceipt


@dataclass(frozen=True, slots=True)
class IssuedReceipt:
    """An issued receipt: the stored record, and what issuing fixed (never absent here)."""

    receipt: StoredReceipt
    issued_at: datetime
    pdf: StoredObject
    pdf_sha256: str
    pdf_size_bytes: int

    @classmethod
    def of(cls, stored: StoredReceipt) -> IssuedReceipt | None:
        """``stored`` as an issued receipt; None for one still waiting or ready (or an issued
        record missing what issuing writes, which readers treat as not issued)."""
        if (
            stored.status != ReceiptStatus.ISSUED
            or stored.issued_at is None
            or stored.pdf is None
            or stored.pdf_sha256 is None
            or stored.pdf_size_bytes is None
        ):
            return None
        return cls(stored, stored.issued_at, stored.pdf, stored.pdf_sha256, stored.pdf_size_bytes)

    @property
    def receipt_id(self) -> str:
        return self.receipt.receipt_id

    @property
    def case_number(self) -> str:
        return self.receipt.case_number

    @property
    def cea(self) -> str:
        return self.receipt.cea
