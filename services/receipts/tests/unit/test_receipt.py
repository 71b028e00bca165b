"""What a justificante shows: the values refuse what could not be printed truthfully."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from casia_receipts.domain.receipt import TITLES, ReceiptKind

from ..builders import new_content, new_document


def test_each_kind_has_its_spanish_title() -> None:
    assert TITLES[ReceiptKind.SOLICITUD_TRAMITE] == "Justificante de solicitud de trámite"
    assert (
        TITLES[ReceiptKind.DOCUMENTACION_COMPLEMENTARIA]
        == "Justificante de documentación complementaria anexada"
    )
    assert set(TITLES) == set(ReceiptKind)


def test_the_content_names_its_title_by_its_kind() -> None:
    content = new_content(kind=ReceiptKind.DOCUMENTACION_COMPLEMENTARIA)
    assert content.title == "Justificante de documentación complementaria anexada"


NAIVE = datetime(2025, 3, 14, 9, 32, 5)


def test_a_receipt_refuses_an_opening_time_without_a_zone() -> None:
    with pytest.raises(ValueError, match="opened_at"):
        replace(new_content(), opened_at=NAIVE)


def test_a_receipt_refuses_an_issue_time_without_a_zone() -> None:
    with pytest.raises(ValueError, match="issued_at"):
        replace(new_content(), issued_at=NAIVE)


def test_a_document_refuses_a_time_without_a_zone() -> None:
    with pytest.raises(ValueError, match="attached_at"):
        replace(new_document(), attached_at=NAIVE)


@pytest.mark.parametrize("sha256", ["", "abc", "A" * 64, "g" * 64, "0" * 63, "0" * 65])
def test_a_document_refuses_what_is_not_a_sha256_digest(sha256: str) -> None:
    with pytest.raises(ValueError, match="sha256"):
        replace(new_document(), sha256=sha256)


def test_a_document_refuses_a_negative_size() -> None:
    with pytest.raises(ValueError, match="size"):
        replace(new_document(), size_bytes=-1)


def test_the_values_are_frozen() -> None:
    content = new_content()
    with pytest.raises(AttributeError):
        content.case_number = "CAS-0"  # type: ignore[misc]
