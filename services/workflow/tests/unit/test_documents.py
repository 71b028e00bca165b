"""Outcomes of the documents service: they complete an upload, in any status, once per document."""

import pytest

from casia_workflow.domain import (
    Action,
    CaseDocumentRejected,
    CaseDocumentStored,
    CommandRefused,
    DocumentId,
    DocumentStatus,
    ReasonCode,
    Substatus,
    record_document_rejected,
    record_document_stored,
)

from .builders import BY_SYSTEM, case_in, later, opened, play, upload

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def test_a_stored_document_gets_its_fingerprint_and_no_history_entry() -> None:
    document = upload()
    case = opened(documents=(document, upload()))
    at = later(case)

    decision = record_document_stored(case, document_id=document.document_id, sha256=SHA, at=at)

    stored = decision.case.document(document.document_id)
    assert stored is not None
    assert (stored.status, stored.sha256) == (DocumentStatus.STORED, SHA)
    assert decision.case.documents[1] == case.documents[1]
    assert decision.case.version == case.version + 1
    assert decision.case.history == case.history
    assert (decision.case.substatus, decision.case.substatus_at) == (case.substatus, case.substatus_at)
    assert decision.events == (
        CaseDocumentStored(
            case_number=case.number, at=at, actor=BY_SYSTEM, document_id=document.document_id, sha256=SHA
        ),
    )


def test_a_rejected_document_keeps_the_reason() -> None:
    document = upload()
    case = opened(documents=(document,))
    at = later(case)

    decision = record_document_rejected(
        case, document_id=document.document_id, reason_code="unreadable", reason="PDF cifrado", at=at
    )

    [rejected] = decision.case.documents
    assert (rejected.status, rejected.rejection_reason, rejected.sha256) == (
        DocumentStatus.REJECTED,
        "PDF cifrado",
        None,
    )
    assert decision.case.history == case.history
    assert decision.events == (
        CaseDocumentRejected(
            case_number=case.number,
            at=at,
            actor=BY_SYSTEM,
            document_id=document.document_id,
            reason_code="unreadable",
            reason="PDF cifrado",
        ),
    )


def test_an_unknown_document_is_refused() -> None:
    case = opened(documents=(upload(),))

    with pytest.raises(CommandRefused) as refused:
        record_document_stored(case, document_id=DocumentId("doc-ajeno"), sha256=SHA, at=later(case))

    assert refused.value.reason_code is ReasonCode.UNKNOWN_DOCUMENT


def test_a_second_outcome_cannot_flip_a_stored_document() -> None:
    document = upload()
    case = opened(documents=(document,))
    stored = record_document_stored(case, document_id=document.document_id, sha256=SHA, at=later(case)).case

    with pytest.raises(CommandRefused) as refused:
        record_document_rejected(
            stored,
            document_id=document.document_id,
            reason_code="unreadable",
            reason="tarde",
            at=later(stored),
        )

    assert refused.value.reason_code is ReasonCode.DOCUMENT_ALREADY_DECIDED


def test_a_redelivered_outcome_is_refused_too() -> None:
    document = upload()
    case = opened(documents=(document,))
    rejected = record_document_rejected(
        case, document_id=document.document_id, reason_code="unreadable", reason="virus", at=later(case)
    ).case

    with pytest.raises(CommandRefused) as refused:
        record_document_rejected(
            rejected,
            document_id=document.document_id,
            reason_code="unreadable",
            reason="virus",
            at=later(rejected),
        )

    assert refused.value.reason_code is ReasonCode.DOCUMENT_ALREADY_DECIDED


def test_an_outcome_completes_an_upload_after_the_case_is_closed() -> None:
    case = play(case_in(Substatus.ASSIGNED), Action.RESOLVE)
    assert case.resolution is not None
    [document_id] = case.resolution.documents

    decision = record_document_stored(case, document_id=document_id, sha256=SHA, at=later(case))

    assert decision.case.substatus is Substatus.RESOLVED
    stored = decision.case.document(document_id)
    assert stored is not None
    assert stored.status is DocumentStatus.STORED


def test_documents_added_later_are_decided_the_same_way() -> None:
    case = play(opened(), Action.ADD_INFORMATION)
    added = case.documents[-1]

    decision = record_document_stored(case, document_id=added.document_id, sha256=SHA, at=later(case))

    assert decision.case.documents[-1].status is DocumentStatus.STORED
