"""Closure ex officio: consulta and error/incidencia, 20 calendar days in information_requested,
counted in Spain (Europe/Madrid) from the day after the request, the last day included."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from casia_workflow.domain import (
    INFORMATION_DAYS,
    Action,
    Case,
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
    last_day_to_answer,
)

from .builders import BY_CLERK, BY_SYSTEM, case_in, command_for, later, opened, play

CLOSABLE = [CaseType.CONSULTA, CaseType.ERROR_INCIDENCIA]


def requested_at(moment: datetime, case_type: CaseType = CaseType.CONSULTA) -> Case:
    """A case whose information was requested at ``moment``."""
    return replace(case_in(Substatus.INFORMATION_REQUESTED, case_type), substatus_at=moment)


def test_the_period_is_twenty_calendar_days() -> None:
    assert INFORMATION_DAYS == 20


@pytest.mark.parametrize(
    ("requested", "last_day", "due"),
    [
        # 10:00 in Madrid (CET, +1): the 20 days run 4-23 February; due at 00:00 on 24 February.
        (datetime(2026, 2, 3, 9, 0, tzinfo=UTC), date(2026, 2, 23), datetime(2026, 2, 23, 23, 0, tzinfo=UTC)),
        # 23:30 UTC on 3 February is already 4 February in Madrid: one more day.
        (
            datetime(2026, 2, 3, 23, 30, tzinfo=UTC),
            date(2026, 2, 24),
            datetime(2026, 2, 24, 23, 0, tzinfo=UTC),
        ),
        # Requested in winter time, due in summer time (clocks forward on 29 March 2026): midnight
        # in Madrid is 22:00 UTC by then, not 23:00.
        (datetime(2026, 3, 20, 9, 0, tzinfo=UTC), date(2026, 4, 9), datetime(2026, 4, 9, 22, 0, tzinfo=UTC)),
        # Requested in summer time, due in winter time (clocks back on 25 October 2026).
        (
            datetime(2026, 10, 20, 8, 0, tzinfo=UTC),
            date(2026, 11, 9),
            datetime(2026, 11, 9, 23, 0, tzinfo=UTC),
        ),
        # Requested at 00:30 in Madrid on the day the clocks go forward.
        (
            datetime(2026, 3, 28, 23, 30, tzinfo=UTC),
            date(2026, 4, 18),
            datetime(2026, 4, 18, 22, 0, tzinfo=UTC),
        ),
        # Across the new year, in Madrid's calendar.
        (
            datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
            date(2027, 1, 21),
            datetime(2027, 1, 21, 23, 0, tzinfo=UTC),
        ),
    ],
)
def test_the_deadline_is_midnight_in_madrid_after_the_twentieth_day(
    requested: datetime, last_day: date, due: datetime
) -> None:
    case = requested_at(requested)

    assert last_day_to_answer(requested) == last_day
    assert information_deadline(case) == due
    assert not due_for_closure(case, now=due - timedelta(milliseconds=1))
    assert due_for_closure(case, now=due)


@pytest.mark.parametrize("case_type", CLOSABLE)
def test_closed_at_the_deadline(case_type: CaseType) -> None:
    case = requested_at(datetime(2026, 3, 20, 9, 0, tzinfo=UTC), case_type)
    at = datetime(2026, 4, 9, 22, 0, tzinfo=UTC)

    decision = decide(case, CloseExOfficio(case_number=case.number, actor=BY_SYSTEM), at=at)

    assert (decision.case.status, decision.case.substatus) == (Status.CLOSED, Substatus.CLOSED_EX_OFFICIO)
    assert decision.case.history[-1].actor == BY_SYSTEM
    assert decision.events == (CaseClosedExOfficio(case_number=case.number, at=at, actor=BY_SYSTEM),)


def test_refused_in_the_last_minute_of_the_last_day_naming_that_day_in_madrid() -> None:
    case = requested_at(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))
    at = datetime(2026, 4, 9, 21, 59, 59, tzinfo=UTC)  # 23:59:59 on 9 April in Madrid

    with pytest.raises(CommandRefused) as refused:
        decide(case, CloseExOfficio(case_number=case.number, actor=BY_SYSTEM), at=at)

    assert refused.value.reason_code is ReasonCode.NOT_DUE
    assert "09/04/2026 a las 23:59 (hora de Madrid)" in refused.value.message


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
    assert information_deadline(asked_again) == information_deadline(requested_at(asked_again.substatus_at))
    assert asked_again.substatus_at > first.substatus_at


@pytest.mark.parametrize("case_type", CLOSABLE)
def test_information_requested_announces_the_deadline(case_type: CaseType) -> None:
    case = play(opened(case_type), Action.ASSIGN)
    at = later(case)

    decision = decide(case, command_for(Action.REQUEST_INFORMATION, case), at=at)

    [event] = decision.events
    assert isinstance(event, InformationRequested)
    assert event.deadline == information_deadline(decision.case)
    assert event.deadline is not None
    assert event.deadline - at > timedelta(days=INFORMATION_DAYS)  # never less than 20 whole days
    assert event.message == "Aporte el parte de baja."


def test_information_requested_of_a_tramite_has_no_deadline() -> None:
    case = play(opened(CaseType.TRAMITE), Action.ASSIGN)

    [event] = decide(case, command_for(Action.REQUEST_INFORMATION, case), at=later(case)).events

    assert isinstance(event, InformationRequested)
    assert event.deadline is None


@pytest.mark.parametrize("substatus", [s for s in Substatus if s is not Substatus.INFORMATION_REQUESTED])
def test_not_due_outside_information_requested(substatus: Substatus) -> None:
    case = case_in(substatus)

    assert not due_for_closure(case, now=case.substatus_at + timedelta(days=365))


def test_a_tramite_is_never_due() -> None:
    case = case_in(Substatus.INFORMATION_REQUESTED, CaseType.TRAMITE)

    assert not due_for_closure(case, now=case.substatus_at + timedelta(days=365))
