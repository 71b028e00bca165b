"""`decide`: the one entry point for commands on an existing case."""

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, Protocol

from casia_workflow.domain.autorizado import add_information, rate, reclassify, request_annulment
from casia_workflow.domain.case import Case
from casia_workflow.domain.clerk import (
    approve_annulment,
    assign,
    escalate,
    reject_annulment,
    request_information,
    request_reclassification,
    resolve,
)
from casia_workflow.domain.closure import close_ex_officio
from casia_workflow.domain.commands import (
    AddInformation,
    ApproveAnnulment,
    Assign,
    CaseCommand,
    CloseExOfficio,
    Escalate,
    Rate,
    Reclassify,
    RejectAnnulment,
    RequestAnnulment,
    RequestInformation,
    RequestReclassification,
    Resolve,
)
from casia_workflow.domain.decision import Decision
from casia_workflow.domain.states import Action, ActorKind, allowed_actions


class _Handler(Protocol):
    def __call__(self, case: Case, command: Any, /, *, at: datetime) -> Decision: ...


_HANDLERS: Final[Mapping[type[CaseCommand], _Handler]] = MappingProxyType(
    {
        AddInformation: add_information,
        Reclassify: reclassify,
        RequestAnnulment: request_annulment,
        Rate: rate,
        Assign: assign,
        Escalate: escalate,
        RequestInformation: request_information,
        RequestReclassification: request_reclassification,
        ApproveAnnulment: approve_annulment,
        RejectAnnulment: reject_annulment,
        Resolve: resolve,
        CloseExOfficio: close_ex_officio,
    }
)


def possible_actions(case: Case) -> frozenset[Action]:
    """What people may ask of ``case`` as it stands: the table's actions from its substatus,
    less a second rating; the timer's own action is not offered. Data rules of a command (a
    text it must carry, a document it must not repeat) are still checked when it comes."""
    actions = {action for action in allowed_actions(case.substatus) if action.owner is not ActorKind.SYSTEM}
    if case.rating is not None:
        actions.discard(Action.RATE)
    return frozenset(actions)


def decide(case: Case, command: CaseCommand, *, at: datetime) -> Decision:
    """The case after `command` at `at`, and the events to publish.

    Raises CommandRefused (IllegalTransition when the lifecycle table forbids it) and changes
    nothing; raises ValueError when the command names another case. Deterministic: the same
    case, command and time always give the same decision.
    """
    handler = _HANDLERS.get(type(command))
    if handler is None:
        raise TypeError(f"no decision for {type(command).__name__}")
    return handler(case, command, at=at)
