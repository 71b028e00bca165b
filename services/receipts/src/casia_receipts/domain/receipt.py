"""What a justificante shows: plain values, gathered before rendering and printed as given.

A justificante (receipt) is issued when a trámite case is opened (``solicitud_tramite``) or when
documents are added to it later (``documentacion_complementaria``). Everything printed on it is in
``ReceiptContent``, so the same content always gives the same PDF: issuing again after a crash
stores the same object.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from casia_contracts.cea import Cea
from casia_contracts.receipts import ReceiptKind

__all__ = ["TITLES", "ListedDocument", "ReceiptContent", "ReceiptKind"]

TITLES: Mapping[ReceiptKind, str] = MappingProxyType(
    {
        ReceiptKind.SOLICITUD_TRAMITE: "Justificante de solicitud de trámite",
        ReceiptKind.DOCUMENTACION_COMPLEMENTARIA: "Justificante de documentación complementaria anexada",
    }
)
"""The title printed on each kind of justificante."""

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class ListedDocument:
    """One document the justificante lists as attached to the case.

    ``sha256`` is the lower-case hexadecimal digest of the file's bytes, printed in full so that
    anyone holding the file can check it is the one that was submitted.
    """

    document_type_label: str
    title: str
    file_name: str
    size_bytes: int
    sha256: str
    attached_at: datetime

    def __post_init__(self) -> None:
        if self.size_bytes < 0:
            raise ValueError("a document cannot have a negative size")
        if not _SHA256.fullmatch(self.sha256):
            raise ValueError("sha256 must be 64 lower-case hexadecimal characters")
        _require_aware(self.attached_at, "attached_at")


@dataclass(frozen=True, slots=True)
class ReceiptContent:
    """Everything one justificante shows; the PDF is a function of this value alone.

    ``opened_at`` is the case's date and time of opening, ``issued_at`` the receipt's; both, and
    every document's ``attached_at``, must be timezone-aware (they are printed in local time).
    ``verify_url`` is the public address that verifies ``cea``.
    """

    receipt_id: str
    kind: ReceiptKind
    case_number: str
    authorization_number: str
    holder_nif: str
    business_name: str
    opened_by_name: str
    opened_by_nif: str
    case_title: str
    classification_label: str
    opened_at: datetime
    issued_at: datetime
    documents: tuple[ListedDocument, ...]
    cea: Cea
    verify_url: str

    def __post_init__(self) -> None:
        _require_aware(self.opened_at, "opened_at")
        _require_aware(self.issued_at, "issued_at")

    @property
    def title(self) -> str:
        return TITLES[self.kind]


def _require_aware(moment: datetime, name: str) -> None:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
