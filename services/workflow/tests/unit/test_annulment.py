"""Solicitar anulación (seed 4.2.2): automatic when not yet attended, otherwise a clerk decides."""

import pytest

from casia_workflow.domain import (
    AnnulmentRejected,
    AnnulmentRequested,
    ApproveAnnulment,
    CaseAnnulled,
    CommandRefused,
    ReasonCode,
    RejectAnnulment,
    RequestAnnulment,
    Status,
    Substatus,
    decide,
)

from .builders import BY_AUTORIZADO, BY_CLERK, CLERK, case_in, later


def test_from_submitted_the_annulment_is_automatic() -> None:
    case = case_in(Substatus.SUBMITTED)
    at = later(case)

    decision = decide(
        case, RequestAnnulment(case_number=case.number, actor=BY_AUTORIZADO, reason="Duplicado"), at=at
    )

    annulled = decision.case
    assert (annulled.status, annulled.substatus) == (Status.CLOSED, Substatus.ANNULLED)
    assert annulled.annulment_reason == "Duplicado"
    assert annulled.history[-1].observations == "Anulación automática a petición del autorizado: Duplicado"
    assert decision.events == (
        CaseAnnulled(case_number=case.number, at=at, actor=BY_AUTORIZADO, reason="Duplicado", automatic=True),
    )


@pytest.mark.parametrize(
    "substatus",
    [
        Substatus.ASSIGNED,
        Substatus.ESCALATED,
        Substatus.INFORMATION_REQUESTED,
        Substatus.RECLASSIFICATION_REQUESTED,
    ],
)
def test_once_attended_the_request_waits_for_a_clerk(substatus: Substatus) -> None:
    case = case_in(substatus)
    at = later(case)

    decision = decide(case, RequestAnnulment(case_number=case.number, actor=BY_AUTORIZADO), at=at)

    assert decision.case.substatus is Substatus.ANNULMENT_REQUESTED
    assert decision.case.annulment_reason is None
    assert decision.events == (
        AnnulmentRequested(case_number=case.number, at=at, actor=BY_AUTORIZADO, reason=None),
    )


@pytest.mark.parametrize("substatus", [Substatus.RESOLVED, Substatus.ANNULLED, Substatus.CLOSED_EX_OFFICIO])
def test_refused_when_closed(substatus: Substatus) -> None:
    case = case_in(substatus)

    with pytest.raises(CommandRefused) as refused:
        decide(case, RequestAnnulment(case_number=case.number, actor=BY_AUTORIZADO), at=later(case))

    assert refused.value.reason_code is ReasonCode.ILLEGAL_TRANSITION


def test_a_clerk_approves_it_and_the_case_is_annulled_with_the_autorizados_reason() -> None:
    case = case_in(Substatus.ASSIGNED)
    case = decide(
        case,
        RequestAnnulment(case_number=case.number, actor=BY_AUTORIZADO, reason="Error mío"),
        at=later(case),
    ).case
    at = later(case)

    decision = decide(
        case, ApproveAnnulment(case_number=case.number, actor=BY_CLERK, observations="Conforme"), at=at
    )

    assert decision.case.substatus is Substatus.ANNULLED
    assert decision.case.history[-1].observations == "Anulación aprobada: Conforme"
    assert decision.events == (
        CaseAnnulled(case_number=case.number, at=at, actor=BY_CLERK, reason="Error mío", automatic=False),
    )


def test_a_clerk_rejects_it_with_reasons_and_the_case_goes_back_to_assigned() -> None:
    case = case_in(Substatus.ANNULMENT_REQUESTED)
    at = later(case)

    decision = decide(
        case, RejectAnnulment(case_number=case.number, actor=BY_CLERK, reason="Ya resuelto en parte"), at=at
    )

    rejected = decision.case
    assert rejected.substatus is Substatus.ASSIGNED
    assert rejected.assignee == CLERK
    assert rejected.annulment_reason is None
    assert rejected.history[-1].observations == "Anulación rechazada: Ya resuelto en parte"
    assert decision.events == (
        AnnulmentRejected(case_number=case.number, at=at, actor=BY_CLERK, reason="Ya resuelto en parte"),
    )


def test_a_rejection_without_reasons_is_refused() -> None:
    case = case_in(Substatus.ANNULMENT_REQUESTED)

    with pytest.raises(CommandRefused) as refused:
        decide(case, RejectAnnulment(case_number=case.number, actor=BY_CLERK, reason=" "), at=later(case))

    assert refused.value.reason_code is ReasonCode.MISSING_TEXT


def test_only_a_clerk_approves_an_annulment() -> None:
    case = case_in(Substatus.ANNULMENT_REQUESTED)

    with pytest.raises(CommandRefused) as refused:
        decide(case, ApproveAnnulment(case_number=case.number, actor=BY_AUTORIZADO), at=later(case))

    assert refused.value.reason_code is ReasonCode.ACTOR_NOT_ALLOWED
    assert refused.value.message == "La acción «Aprobar anulación» solo puede realizarla: Tramitador."


def test_only_a_clerk_rejects_an_annulment() -> None:
    case = case_in(Substatus.ANNULMENT_REQUESTED)
    command = RejectAnnulment(case_number=case.number, actor=BY_AUTORIZADO, reason="Me lo rechazo")

    with pytest.raises(CommandRefused) as refused:
        decide(case, command, at=later(case))

    assert refused.value.reason_code is ReasonCode.ACTOR_NOT_ALLOWED
