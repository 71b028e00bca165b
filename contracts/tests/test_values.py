"""Obvious shapes are validated; business rules are not (they belong to the services)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from casia_contracts import (
    AddInformation,
    Classification,
    DocumentRef,
    DocumentStatus,
    PersonRef,
    RateCase,
    Substatus,
)

_SHA = "ab" * 32


def _document(**changes: object) -> DocumentRef:
    fields: dict[str, object] = {
        "document_id": "doc-1",
        "document_type": "otros",
        "title": "Anexo",
        "file_name": "anexo.pdf",
        "size_bytes": 10,
        "content_type": "application/pdf",
        "sha256": _SHA,
        "status": DocumentStatus.STORED,
    }
    return DocumentRef.model_validate(fields | changes)


@pytest.mark.parametrize("score", [1, 5])
def test_rating_accepts_scores_1_to_5(score: int, clerk: PersonRef) -> None:
    assert RateCase(case_number="CAS-1", by=clerk, score=score).score == score


@pytest.mark.parametrize("score", [0, 6, -1])
def test_rating_refuses_scores_outside_1_to_5(score: int, clerk: PersonRef) -> None:
    with pytest.raises(ValidationError):
        RateCase(case_number="CAS-1", by=clerk, score=score)


@pytest.mark.parametrize("digest", ["AB" * 32, "ab" * 31, "ab" * 33, "zz" * 32])
def test_sha256_must_be_64_lowercase_hex_characters(digest: str) -> None:
    with pytest.raises(ValidationError):
        _document(sha256=digest)


def test_sha256_may_be_unknown_while_pending() -> None:
    assert _document(sha256=None, status=DocumentStatus.PENDING).sha256 is None


def test_negative_size_is_refused() -> None:
    with pytest.raises(ValidationError):
        _document(size_bytes=-1)


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_required_texts_must_not_be_blank(blank: str) -> None:
    with pytest.raises(ValidationError):
        PersonRef(nif=blank, name="Ana")
    with pytest.raises(ValidationError):
        _document(title=blank)


def test_texts_are_kept_as_given() -> None:
    assert PersonRef(nif="1X", name=" Ana ").name == " Ana "


def test_add_information_needs_a_text_or_a_document(clerk: PersonRef) -> None:
    with pytest.raises(ValidationError, match="text or at least one document"):
        AddInformation(case_number="CAS-1", by=clerk, text=None, documents=[])
    assert AddInformation(case_number="CAS-1", by=clerk, documents=[_document()]).text is None
    assert AddInformation(case_number="CAS-1", by=clerk, text="Más datos", documents=[]).documents == []


def test_vocabularies_are_closed() -> None:
    with pytest.raises(ValidationError):
        Classification.model_validate({"case_type": "queja", "subject": "s", "category": "c"})
    assert Substatus("closed_ex_officio") is Substatus.CLOSED_EX_OFFICIO


def test_models_are_frozen(clerk: PersonRef) -> None:
    with pytest.raises(ValidationError):
        clerk.name = "Otro"  # type: ignore[misc]
