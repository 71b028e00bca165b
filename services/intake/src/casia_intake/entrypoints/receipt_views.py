"""What the gateway shows of a justificante: to those who may see the case (every field and the
documents it lists), and to anyone holding its CEA or its PDF (enough to know it is genuine).

Kinds are English codes (``casia_contracts.receipts.ReceiptKind``); their labels, for people,
are Spanish and live here only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final

from pydantic import BaseModel, Field

from casia_contracts.receipts import ReceiptKind
from casia_intake.service.receipts import IssuedReceipt

KIND_LABELS: Final[Mapping[str, str]] = {
    ReceiptKind.SOLICITUD_TRAMITE: "Justificante de solicitud de trámite",
    ReceiptKind.DOCUMENTACION_COMPLEMENTARIA: "Justificante de documentación complementaria anexada",
}
UNKNOWN_KIND_LABEL: Final = "Justificante"
"""The label of a kind newer than this gateway (readers tolerate what writers add)."""

VERIFY: Final = "/v1/receipts/verify"


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, UNKNOWN_KIND_LABEL)


def verification_pdf(cea: str) -> str:
    """The public path of the PDF of the receipt with (canonical) ``cea``."""
    return f"{VERIFY}/{cea}/pdf"


def receipt_file_name(receipt: IssuedReceipt) -> str:
    return f"justificante-{receipt.cea}.pdf"


class ReceiptDocumentView(BaseModel):
    """A document the receipt lists (one that was accepted)."""

    document_id: str
    document_type: str
    title: str
    file_name: str
    sha256: str | None = None


class ReceiptView(BaseModel):
    """A justificante of the case, with the path of its PDF (``pdf``) for the same reader."""

    receipt_id: str
    kind: str
    kind_label: str
    issued_at: datetime
    cea: str
    pdf_sha256: str
    pdf_size_bytes: int
    documents: list[ReceiptDocumentView] = Field(default_factory=list)
    pdf: str

    @classmethod
    def of(cls, issued: IssuedReceipt, *, pdf: str) -> ReceiptView:
        receipt = issued.receipt
        return cls(
            receipt_id=receipt.receipt_id,
            kind=receipt.kind,
            kind_label=kind_label(receipt.kind),
            issued_at=issued.issued_at,
            cea=receipt.cea,
            pdf_sha256=issued.pdf_sha256,
            pdf_size_bytes=issued.pdf_size_bytes,
            documents=[ReceiptDocumentView.model_validate(d.model_dump()) for d in receipt.listed()],
            pdf=pdf,
        )


class ReceiptList(BaseModel):
    receipts: list[ReceiptView]


class PublicReceiptView(BaseModel):
    """What anyone holding a receipt's CEA (or its PDF) learns: which case and kind, when it was
    issued, its PDF's fingerprint, and where to get the genuine PDF."""

    case_number: str
    kind: str
    kind_label: str
    issued_at: datetime
    cea: str
    pdf_sha256: str
    pdf: str

    @classmethod
    def of(cls, issued: IssuedReceipt) -> PublicReceiptView:
        return cls(
            case_number=issued.case_number,
            kind=issued.receipt.kind,
            kind_label=kind_label(issued.receipt.kind),
            issued_at=issued.issued_at,
            cea=issued.cea,
            pdf_sha256=issued.pdf_sha256,
            pdf=verification_pdf(issued.cea),
        )


class VerificationView(BaseModel):
    """Whether an uploaded PDF is, byte for byte, a receipt issued here; and which, if it is."""

    verified: bool
    receipt: PublicReceiptView | None = None
