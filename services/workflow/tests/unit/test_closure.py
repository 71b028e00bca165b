"""Closure ex officio: consulta and error/incidencia, 20 calendar days in information_requested."""

from datetime import timedelta

import pytest

from casia_workflow.domain import (
    INFORMATION_DEADLINE,
    Action,
    CaseClosedExOfficio,
    CaseType,
    CloseExOfficio,
    CommandRefused,
    InformationRequested,
    ReasonCode,
    Status,
    Substatus,
    decide,
    due_for_closure,
    information_deadline,
)

from .builders import BY_CLERK, BY_SYSTEM, case_in, command_for, later, opened, play

CLOSABLE = [CaseType.CONSULTA, CaseType.ERROR_INCIDENCIA]


def test_the_deadline_is_twenty_calendar_days() -> None:
    assert timedelta(days=20) == INFORMATION_DEADLINE


@pytest.mark.parametrize("case_type", CLOSABLE)
def test_closed_at_exactly_twenty_days(case_type: CaseType) -> None:
    case = case_in(Substatus.INFORMATION_REQUESTED, case_type)
    at = case.substatus_at + timedelta(days=20)

    decision = decide(case, CloseExOfficio(case_number=case.number, actor=BY_SYSTEM), at=at)

    assert (decision.case.status, decision.case.substatus) == (Status.CLOSED, Substatus.CLOSED_EX_OFFICIO)
    assert decision.case.history[-1].actor == BY_SYSTEM
    assert decision.events == (CaseClosedExOfficio(case_number=case.number, at=at, actor=BY_SYSTEM),)


def test_refused_a_second_before_the_deadline() -> None:
    case = case_in(Substatus.INFORMATION_REQUESTED)
    at = case.substatus_at + timedelta(days=20) - timedelta(seconds=1)

    with pytest.raises(CommandRefused) as refused:
        decide(case, CloseExOfficio(case_number=case.number, actor=BY_SYSTEM), at=at)

    assert refused.value.reason_code is ReasonCode.NOT_DUE


def test_never_for_a_tramite() -> None:
    case = case_in(Substatus.INFORMATION_REQUESTED, CaseType.TRAMITE)

    with pytest.raises(CommandRefused) as refused:
        decide(
            case,
            CloseExOfficio(case_number=case.number, actor=BY_SYSTEM),
            at=case.substatus_at + timedelta(days=90),
        )

    assert refused.value.reason_code is ReasonCode.NOT_APPLICABLE_TO_CASE_TYPE
    assert refused.value.message == "Los casos de tipo Trámite no se cierran de oficio."


def test_only_the_timer_closes_ex_officio() -> None:
    case = case_in(Substatus.INFORMATION_REQUESTED)

    with pytest.raises(CommandRefused) as refused:
        decide(
            case,
            CloseExOfficio(case_number=case.number, actor=BY_CLERK),
            at=case.substatus_at + timedelta(days=30),
        )

    assert refused.value.reason_code is ReasonCode.ACTOR_NOT_ALLOWED


def test_answering_restarts_nothing_but_a_new_request_restarts_the_clock() -> None:
    first = case_in(Substatus.INFORMATION_REQUESTED)
    answered = play(first, Action.ADD_INFORMATION)
    asked_again = play(answered, Action.REQUEST_INFORMATION)

    assert information_deadline(answered) is None
    assert information_deadline(asked_again) == asked_again.substatus_at + INFORMATION_DEADLINE
    assert asked_again.substatus_at > first.substatus_at


@pytest.mark.parametrize("case_type", CLOSABLE)
def test_information_requested_announces_the_deadline(case_type: CaseType) -> None:
    case = play(opened(case_type), Action.ASSIGN)
    at = later(case)

    decision = decide(case, command_for(Action.REQUEST_INFORMATION, case), at=at)

    [event] = decision.events
    assert isinstance(event, InformationRequested)
    assert event.deadline == at + timedelta(days=20)
    assert event.message == "Aporte el parte de baja."


def test_information_requested_of_a_tramite_has_no_deadline() -> None:
    case = play(opened(CaseType.TRAMITE), Action.ASSIGN)

    [event] = decide(case, command_for(Action.REQUEST_INFORMATION, case), at=later(case)).events

    assert isinstance(event, InformationRequested)
    assert event.deadline is None


def test_due_for_closure_from_the_deadline_on() -> None:
    case = case_in(Substatus.INFORMATION_REQUESTED)
    deadline = case.substatus_at + INFORMATION_DEADLINE

    assert not due_for_closure(case, now=deadline - timedelta(microseconds=1))
    assert due_for_closure(case, now=deadline)
    assert due_for_closure(case, now=deadline + timedelta(days=3))


@pytest.mark.parametrize("substatus", [s for s in Substatus if s is not Substatus.INFORMATION_REQUESTED])
def test_not_due_outside_information_requested(substatus: Substatus) -> None:
    case = case_in(substatus)

    assert not due_for_closure(case, now=case.substatus_at + timedelta(days=365))


def test_a_tramite_is_never_due() -> None:
    case = case_in(Substatus.INFORMATION_REQUESTED, CaseType.TRAMITE)

    assert not due_for_closure(case, now=case.substatus_at + timedelta(days=365))
