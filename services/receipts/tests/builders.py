"""Receipt contents for the tests: each call makes fresh ids (receipt, case, CEA, hashes)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count

from casia_contracts.cea import cea_from_bytes
from casia_receipts.domain.receipt import ListedDocument, ReceiptContent, ReceiptKind

OPENED_AT = datetime(2025, 3, 14, 9, 32, 5, tzinfo=UTC)
"""Printed in Madrid as 14/03/2025 10:32:05 CET (winter time, UTC+1)."""

_serial = count(1)


def new_document(title: str = "Escritura de constitución", *, file_name: str = "doc.pdf") -> ListedDocument:
    n = next(_serial)
    return ListedDocument(
        document_type_label="Documentación acreditativa",
        title=title,
        file_name=file_name,
        size_bytes=1000 * n + 17,
        sha256=hashlib.sha256(f"document {n}".encode()).hexdigest(),
        attached_at=OPENED_AT - timedelta(seconds=n),
    )


def new_content(
    *, kind: ReceiptKind = ReceiptKind.SOLICITUD_TRAMITE, documents: tuple[ListedDocument, ...] | None = None
) -> ReceiptContent:
    n = next(_serial)
    cea = cea_from_bytes(hashlib.sha256(f"cea {n}".encode()).digest()[:10])
    return ReceiptContent(
        receipt_id=f"rcp-test-{n:06d}",
        kind=kind,
        case_number=f"CAS-2025-{n:07d}",
        authorization_number=f"RED-2811-{n:06d}",
        holder_nif="B12345674",
        business_name="Asesoría Martínez y Asociados, S.L.",
        opened_by_name="María José Fernández López",
        opened_by_nif="12345678Z",
        case_title="Alta de trabajador con contrato indefinido",
        classification_label="Trámite > Afiliación > Altas y bajas",
        opened_at=OPENED_AT,
        issued_at=OPENED_AT + timedelta(seconds=2),
        documents=(new_document(), new_document("Modelo TA.2/S", file_name="ta2s.pdf"))
        if documents is None
        else documents,
        cea=cea,
        verify_url=f"http://127.0.0.1:8000/v1/receipts/verify/{cea}",
    )


def complementary(content: ReceiptContent) -> ReceiptContent:
    return replace(content, kind=ReceiptKind.DOCUMENTACION_COMPLEMENTARIA)
