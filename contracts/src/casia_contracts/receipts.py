"""Receipt events (topic ``casia.receipts.events.v1``, from the receipts service)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from casia_contracts import topics
from casia_contracts.base import AuthorizationNumber, Message, NonBlankStr, Sha256Hex, UtcDatetime
from casia_contracts.values import DocumentRef, ObjectRef


class ReceiptKind(StrEnum):
    """Which justificante: on opening a trámite case, or on documents added to it later."""

    SOLICITUD_TRAMITE = "solicitud_tramite"
    DOCUMENTACION_COMPLEMENTARIA = "documentacion_complementaria"


class ReceiptIssued(Message):
    """A receipt (justificante) was issued for a trámite case and its PDF stored at ``pdf``.

    Emitted once per receipt, in reaction to ``CaseOpened`` (``solicitud_tramite``) or to
    ``InformationAdded`` with documents (``documentacion_complementaria``). ``cea`` is the
    verification code printed on it; ``pdf_sha256`` the fingerprint of the PDF bytes;
    ``documents`` the documents the receipt lists.
    """

    message_type: ClassVar[str] = "es.casia.receipt.issued"
    topic: ClassVar[str] = topics.RECEIPT_EVENTS

    receipt_id: NonBlankStr
    authorization_number: AuthorizationNumber
    kind: ReceiptKind
    cea: NonBlankStr
    issued_at: UtcDatetime
    pdf: ObjectRef
    pdf_sha256: Sha256Hex
    documents: list[DocumentRef]


RECEIPT_MODELS: tuple[type[Message], ...] = (ReceiptIssued,)
