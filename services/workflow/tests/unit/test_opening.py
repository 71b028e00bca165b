"""Alta del caso."""

from dataclasses import replace

import pytest

from casia_workflow.domain import (
    Actor,
    CaseOpened,
    CommandRefused,
    DocumentStatus,
    ReasonCode,
    Status,
    Substatus,
    open_case,
)

from .builders import AUTORIZADO, T0, open_command, upload


def test_a_new_case_is_open_submitted_at_version_one() -> None:
    command = open_command()

    decision = open_case(command, at=T0)

    case = decision.case
    assert case.number == command.number
    assert (case.status, case.substatus) == (Status.OPEN, Substatus.SUBMITTED)
    assert case.opened_at == case.substatus_at == T0
    assert case.version == 1
    assert case.assignee is None
    assert case.rating is None
    assert case.resolution is None


def test_the_first_history_entry_records_the_opening_by_the_autorizado() -> None:
    case = open_case(open_command(), at=T0).case

    [entry] = case.history
    assert (entry.status, entry.substatus, entry.at) == (Status.OPEN, Substatus.SUBMITTED, T0)
    assert entry.actor == Actor.autorizado(AUTORIZADO)
    assert entry.observations == "Alta del caso"


def test_documents_are_attached_at_opening_and_pending() -> None:
    first, second = upload(), upload()

    case = open_case(open_command(documents=(first, second)), at=T0).case

    assert [d.document_id for d in case.documents] == [first.document_id, second.document_id]
    assert all(d.status is DocumentStatus.PENDING and d.sha256 is None for d in case.documents)
    assert all(d.attached_at == T0 and d.attached_by == Actor.autorizado(AUTORIZADO) for d in case.documents)


def test_case_opened_carries_the_opened_case() -> None:
    decision = open_case(open_command(), at=T0)

    assert decision.events == (
        CaseOpened(
            case_number=decision.case.number,
            at=T0,
            actor=Actor.autorizado(AUTORIZADO),
            case=decision.case,
        ),
    )


def test_a_document_id_twice_is_refused() -> None:
    document = upload()

    with pytest.raises(CommandRefused) as refused:
        open_case(open_command(documents=(document, document)), at=T0)

    assert refused.value.reason_code is ReasonCode.DUPLICATE_DOCUMENT


def test_a_blank_title_is_refused() -> None:
    with pytest.raises(CommandRefused) as refused:
        open_case(replace(open_command(), title="   "), at=T0)

    assert refused.value.reason_code is ReasonCode.MISSING_TEXT
    assert refused.value.message == "Falta el título."
