"""Modificar información (seed 4.2.1): text and/or documents, only while open."""

import pytest

from casia_workflow.domain import (
    AddInformation,
    CommandRefused,
    DocumentStatus,
    InformationAdded,
    InformationEntry,
    ReasonCode,
    Substatus,
    decide,
)

from .builders import BY_AUTORIZADO, case_in, later, opened, upload


def test_answering_a_request_for_information_returns_the_case_to_assigned() -> None:
    case = case_in(Substatus.INFORMATION_REQUESTED)
    at = later(case)

    added = decide(
        case, AddInformation(case_number=case.number, actor=BY_AUTORIZADO, text="NAF correcto"), at=at
    )

    assert added.case.substatus is Substatus.ASSIGNED
    assert added.case.substatus_at == at
    assert added.case.information == (InformationEntry(text="NAF correcto", at=at, by=BY_AUTORIZADO),)


@pytest.mark.parametrize(
    "substatus",
    [
        Substatus.SUBMITTED,
        Substatus.ASSIGNED,
        Substatus.ESCALATED,
        Substatus.RECLASSIFICATION_REQUESTED,
        Substatus.ANNULMENT_REQUESTED,
    ],
)
def test_elsewhere_the_substatus_and_its_date_stay_but_history_records_it(substatus: Substatus) -> None:
    case = case_in(substatus)

    added = decide(
        case, AddInformation(case_number=case.number, actor=BY_AUTORIZADO, text="Más datos"), at=later(case)
    )

    assert (added.case.substatus, added.case.substatus_at) == (case.substatus, case.substatus_at)
    assert added.case.history[:-1] == case.history
    assert added.case.history[-1].observations == "Aportada información adicional"


def test_documents_are_attached_pending_and_announced() -> None:
    case = opened()
    first, second = upload(), upload()
    at = later(case)

    decision = decide(
        case, AddInformation(case_number=case.number, actor=BY_AUTORIZADO, documents=(first, second)), at=at
    )

    new = decision.case.documents[-2:]
    assert [d.document_id for d in new] == [first.document_id, second.document_id]
    assert all(d.status is DocumentStatus.PENDING and d.attached_at == at for d in new)
    assert decision.case.information == ()
    assert decision.case.history[-1].observations == "Anexados 2 documentos"
    assert decision.events == (
        InformationAdded(case_number=case.number, at=at, actor=BY_AUTORIZADO, text="", documents=new),
    )


def test_text_and_one_document_together() -> None:
    case = opened()

    added = decide(
        case,
        AddInformation(case_number=case.number, actor=BY_AUTORIZADO, text="Adjunto", documents=(upload(),)),
        at=later(case),
    ).case

    assert added.history[-1].observations == "Aportada información adicional, anexado 1 documento"


def test_nothing_to_add_is_refused() -> None:
    case = opened()

    with pytest.raises(CommandRefused) as refused:
        decide(case, AddInformation(case_number=case.number, actor=BY_AUTORIZADO, text="  "), at=later(case))

    assert refused.value.reason_code is ReasonCode.EMPTY_INFORMATION


def test_a_document_id_already_in_the_case_is_refused() -> None:
    document = upload()
    case = opened(documents=(document,))

    with pytest.raises(CommandRefused) as refused:
        decide(
            case,
            AddInformation(case_number=case.number, actor=BY_AUTORIZADO, documents=(document,)),
            at=later(case),
        )

    assert refused.value.reason_code is ReasonCode.DUPLICATE_DOCUMENT


@pytest.mark.parametrize("substatus", [Substatus.RESOLVED, Substatus.ANNULLED, Substatus.CLOSED_EX_OFFICIO])
def test_nothing_can_be_added_to_a_closed_case(substatus: Substatus) -> None:
    case = case_in(substatus)

    with pytest.raises(CommandRefused) as refused:
        decide(
            case, AddInformation(case_number=case.number, actor=BY_AUTORIZADO, text="Tarde"), at=later(case)
        )

    assert refused.value.reason_code is ReasonCode.ILLEGAL_TRANSITION
