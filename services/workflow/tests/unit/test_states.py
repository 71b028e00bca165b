"""The vocabulary: labels for people, derived status, owners of actions, shape of the table."""

import pytest

from casia_workflow.domain import (
    TRANSITIONS,
    Action,
    ActorKind,
    CaseType,
    IllegalTransition,
    Status,
    Substatus,
    allowed_actions,
    next_substatus,
)

CLOSED = {Substatus.RESOLVED, Substatus.ANNULLED, Substatus.CLOSED_EX_OFFICIO}


@pytest.mark.parametrize(
    ("substatus", "status_label", "substatus_label"),
    [
        (Substatus.SUBMITTED, "Abierto", "Presentado"),
        (Substatus.ASSIGNED, "Abierto", "Asignado"),
        (Substatus.ESCALATED, "Abierto", "Escalado"),
        (Substatus.INFORMATION_REQUESTED, "Abierto", "Solicitada Información"),
        (Substatus.RECLASSIFICATION_REQUESTED, "Abierto", "Solicitada Reclasificación"),
        (Substatus.ANNULMENT_REQUESTED, "Abierto", "Solicitada Anulación"),
        (Substatus.RESOLVED, "Cerrado", "Resuelto"),
        (Substatus.ANNULLED, "Cerrado", "Anulado"),
        (Substatus.CLOSED_EX_OFFICIO, "Cerrado", "Cerrado de oficio"),
    ],
)
def test_status_is_derived_and_labelled_in_spanish(
    substatus: Substatus, status_label: str, substatus_label: str
) -> None:
    assert substatus.status.label == status_label
    assert substatus.label == substatus_label
    assert substatus.status is (Status.CLOSED if substatus in CLOSED else Status.OPEN)


def test_every_action_and_case_type_has_a_spanish_label() -> None:
    assert all(action.label for action in Action)
    assert [t.label for t in CaseType] == ["Consulta", "Error/Incidencia", "Trámite"]


def test_each_action_has_its_owner() -> None:
    owners = {kind: {a for a in Action if a.owner is kind} for kind in ActorKind}
    assert owners[ActorKind.AUTORIZADO] == {
        Action.ADD_INFORMATION,
        Action.RECLASSIFY,
        Action.REQUEST_ANNULMENT,
        Action.RATE,
    }
    assert owners[ActorKind.SYSTEM] == {Action.CLOSE_EX_OFFICIO}
    assert len(owners[ActorKind.TRAMITADOR]) == 7


def test_every_substatus_is_reachable_from_submitted() -> None:
    reached, frontier = {Substatus.SUBMITTED}, [Substatus.SUBMITTED]
    while frontier:
        source = frontier.pop()
        for action in allowed_actions(source):
            target = next_substatus(source, action)
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(Substatus)


@pytest.mark.parametrize("substatus", sorted(CLOSED))
def test_closed_substatuses_admit_only_a_rating_that_keeps_them(substatus: Substatus) -> None:
    assert allowed_actions(substatus) == {Action.RATE}
    assert next_substatus(substatus, Action.RATE) is substatus


@pytest.mark.parametrize("substatus", [s for s in Substatus if s not in CLOSED])
def test_open_substatuses_admit_information(substatus: Substatus) -> None:
    assert Action.ADD_INFORMATION in allowed_actions(substatus)


def test_no_transition_leaves_a_closed_case() -> None:
    assert all(target in CLOSED for (source, _), target in TRANSITIONS.items() if source in CLOSED)


def test_outside_the_table_is_refused() -> None:
    with pytest.raises(IllegalTransition) as refused:
        next_substatus(Substatus.RESOLVED, Action.ADD_INFORMATION)
    assert refused.value.message == "No se puede «Anexar información» un caso en estado Cerrado/Resuelto."
