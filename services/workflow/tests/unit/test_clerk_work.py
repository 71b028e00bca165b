"""The clerk's work on a case: assign, escalate, ask for reclassification, resolve; and the
autorizado's reclassification."""

import pytest

from casia_workflow.domain import (
    Action,
    Actor,
    Assign,
    CaseAssigned,
    CaseEscalated,
    CaseReclassified,
    CaseResolved,
    CaseType,
    CommandRefused,
    DocumentStatus,
    Escalate,
    ReasonCode,
    Reclassify,
    RequestReclassification,
    Resolution,
    Resolve,
    Substatus,
    decide,
)

from .builders import (
    BY_AUTORIZADO,
    BY_CLERK,
    CLERK,
    SECOND_CLERK,
    case_in,
    classification,
    later,
    opened,
    play,
    upload,
)


def test_assigning_takes_the_case() -> None:
    case = opened()
    at = later(case)

    decision = decide(case, Assign(case_number=case.number, actor=BY_CLERK, assignee=CLERK), at=at)

    assert (decision.case.substatus, decision.case.assignee) == (Substatus.ASSIGNED, CLERK)
    entry = decision.case.history[-1]
    assert entry.observations == "Caso asignado"  # everyone reads this; who is for clerks only
    assert entry.note == f"Asignado a Ana Tramitadora Pérez ({CLERK.nif})"
    assert decision.events == (CaseAssigned(case_number=case.number, at=at, actor=BY_CLERK, assignee=CLERK),)


def test_escalating_keeps_the_assignee_until_someone_else_takes_it() -> None:
    case = case_in(Substatus.ASSIGNED)
    at = later(case)

    escalated = decide(
        case, Escalate(case_number=case.number, actor=BY_CLERK, observations="Normativa"), at=at
    )
    taken = decide(
        escalated.case,
        Assign(case_number=case.number, actor=Actor.clerk(SECOND_CLERK), assignee=SECOND_CLERK),
        at=later(escalated.case),
    ).case

    assert escalated.case.assignee == CLERK
    assert escalated.case.history[-1].observations == "Caso escalado"
    assert escalated.case.history[-1].note == "Normativa"  # the clerk's reasons stay with clerks
    assert escalated.events == (
        CaseEscalated(case_number=case.number, at=at, actor=BY_CLERK, observations="Normativa"),
    )
    assert (taken.substatus, taken.assignee) == (Substatus.ASSIGNED, SECOND_CLERK)


def test_an_assigned_case_cannot_be_assigned_again() -> None:
    case = case_in(Substatus.ASSIGNED)

    with pytest.raises(CommandRefused) as refused:
        decide(case, Assign(case_number=case.number, actor=BY_CLERK, assignee=SECOND_CLERK), at=later(case))

    assert refused.value.reason_code is ReasonCode.ILLEGAL_TRANSITION


def test_reclassifying_changes_the_classification_and_returns_to_assigned() -> None:
    case = case_in(Substatus.RECLASSIFICATION_REQUESTED)
    new = classification(CaseType.TRAMITE, subject="COT")
    at = later(case)

    decision = decide(
        case,
        Reclassify(
            case_number=case.number, actor=BY_AUTORIZADO, classification=new, additional_data=(("ccc", "1"),)
        ),
        at=at,
    )

    assert (decision.case.substatus, decision.case.classification) == (Substatus.ASSIGNED, new)
    assert decision.case.additional_data == (("ccc", "1"),)
    assert decision.case.history[-1].observations == "Caso reclasificado: Trámite > COT > BAJAS"
    assert decision.events == (
        CaseReclassified(
            case_number=case.number,
            at=at,
            actor=BY_AUTORIZADO,
            classification=new,
            previous_classification=case.classification,
        ),
    )


def test_reclassifying_to_the_same_classification_is_accepted_and_keeps_the_data() -> None:
    case = case_in(Substatus.RECLASSIFICATION_REQUESTED)

    same = decide(
        case,
        Reclassify(case_number=case.number, actor=BY_AUTORIZADO, classification=case.classification),
        at=later(case),
    ).case

    assert same.substatus is Substatus.ASSIGNED
    assert (same.classification, same.additional_data) == (case.classification, case.additional_data)


def test_a_request_for_reclassification_needs_a_message() -> None:
    case = case_in(Substatus.ASSIGNED)

    with pytest.raises(CommandRefused) as refused:
        decide(
            case, RequestReclassification(case_number=case.number, actor=BY_CLERK, message=""), at=later(case)
        )

    assert refused.value.reason_code is ReasonCode.MISSING_TEXT


def test_resolving_records_the_answer_and_its_documents() -> None:
    case = case_in(Substatus.ASSIGNED)
    document = upload("Resolución")
    at = later(case)

    decision = decide(
        case,
        Resolve(case_number=case.number, actor=BY_CLERK, answer="Baja grabada.", documents=(document,)),
        at=at,
    )

    resolved = decision.case
    assert resolved.substatus is Substatus.RESOLVED
    assert resolved.resolution == Resolution(
        answer="Baja grabada.", documents=(document.document_id,), at=at, by=BY_CLERK
    )
    attached = resolved.document(document.document_id)
    assert attached is not None
    assert (attached.status, attached.attached_by) == (DocumentStatus.PENDING, BY_CLERK)
    assert decision.events == (
        CaseResolved(
            case_number=case.number, at=at, actor=BY_CLERK, answer="Baja grabada.", documents=(attached,)
        ),
    )


def test_resolving_needs_an_answer() -> None:
    case = case_in(Substatus.ASSIGNED)

    with pytest.raises(CommandRefused) as refused:
        decide(case, Resolve(case_number=case.number, actor=BY_CLERK, answer="\n"), at=later(case))

    assert refused.value.reason_code is ReasonCode.MISSING_TEXT


def test_a_full_journey_keeps_every_step_in_history() -> None:
    case = play(
        opened(),
        Action.ASSIGN,
        Action.ESCALATE,
        Action.ASSIGN,
        Action.REQUEST_INFORMATION,
        Action.ADD_INFORMATION,
        Action.RESOLVE,
        Action.RATE,
    )

    assert [entry.substatus for entry in case.history] == [
        Substatus.SUBMITTED,
        Substatus.ASSIGNED,
        Substatus.ESCALATED,
        Substatus.ASSIGNED,
        Substatus.INFORMATION_REQUESTED,
        Substatus.ASSIGNED,
        Substatus.RESOLVED,
        Substatus.RESOLVED,
    ]
    assert case.version == len(case.history) == 8


def test_the_answer_of_a_resolution_is_read_in_the_history() -> None:
    case = case_in(Substatus.ASSIGNED)

    resolved = decide(
        case,
        Resolve(case_number=case.number, actor=BY_CLERK, answer="La baja consta desde el día 3."),
        at=later(case),
    ).case

    assert resolved.history[-1].observations == "Caso resuelto: La baja consta desde el día 3."
