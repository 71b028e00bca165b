"""The case lifecycle: statuses, substatuses, actions and THE TABLE that links them.

Identifiers are English (they travel in messages and live in the database); each has a Spanish
`label` for people. Whatever is not in `TRANSITIONS` is refused.
"""

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from casia_workflow.domain.errors import CommandRefused, ReasonCode


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


class Substatus(StrEnum):
    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    ESCALATED = "escalated"
    INFORMATION_REQUESTED = "information_requested"
    RECLASSIFICATION_REQUESTED = "reclassification_requested"
    ANNULMENT_REQUESTED = "annulment_requested"
    RESOLVED = "resolved"
    ANNULLED = "annulled"
    CLOSED_EX_OFFICIO = "closed_ex_officio"

    @property
    def label(self) -> str:
        return SUBSTATUS_LABELS[self]

    @property
    def status(self) -> Status:
        """The status is derived from the substatus, never stored on its own."""
        return Status.CLOSED if self in CLOSED_SUBSTATUSES else Status.OPEN


class ActorKind(StrEnum):
    AUTORIZADO = "autorizado"
    TRAMITADOR = "tramitador"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        return ACTOR_KIND_LABELS[self]


class Action(StrEnum):
    # the autorizado's
    ADD_INFORMATION = "add_information"
    RECLASSIFY = "reclassify"
    REQUEST_ANNULMENT = "request_annulment"
    RATE = "rate"
    # the clerk's (tramitador)
    ASSIGN = "assign"
    ESCALATE = "escalate"
    REQUEST_INFORMATION = "request_information"
    REQUEST_RECLASSIFICATION = "request_reclassification"
    APPROVE_ANNULMENT = "approve_annulment"
    REJECT_ANNULMENT = "reject_annulment"
    RESOLVE = "resolve"
    # the timer's
    CLOSE_EX_OFFICIO = "close_ex_officio"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]

    @property
    def owner(self) -> ActorKind:
        """The only kind of actor allowed to take this action."""
        return ACTION_OWNERS[self]


CLOSED_SUBSTATUSES: Final = frozenset({Substatus.RESOLVED, Substatus.ANNULLED, Substatus.CLOSED_EX_OFFICIO})

STATUS_LABELS: Final[Mapping[Status, str]] = MappingProxyType(
    {Status.OPEN: "Abierto", Status.CLOSED: "Cerrado"}
)

SUBSTATUS_LABELS: Final[Mapping[Substatus, str]] = MappingProxyType(
    {
        Substatus.SUBMITTED: "Presentado",
        Substatus.ASSIGNED: "Asignado",
        Substatus.ESCALATED: "Escalado",
        Substatus.INFORMATION_REQUESTED: "Solicitada Información",
        Substatus.RECLASSIFICATION_REQUESTED: "Solicitada Reclasificación",
        Substatus.ANNULMENT_REQUESTED: "Solicitada Anulación",
        Substatus.RESOLVED: "Resuelto",
        Substatus.ANNULLED: "Anulado",
        Substatus.CLOSED_EX_OFFICIO: "Cerrado de oficio",
    }
)

ACTOR_KIND_LABELS: Final[Mapping[ActorKind, str]] = MappingProxyType(
    {
        ActorKind.AUTORIZADO: "Autorizado RED",
        ActorKind.TRAMITADOR: "Tramitador",
        ActorKind.SYSTEM: "Sistema",
    }
)

ACTION_LABELS: Final[Mapping[Action, str]] = MappingProxyType(
    {
        Action.ADD_INFORMATION: "Anexar información",
        Action.RECLASSIFY: "Reclasificar",
        Action.REQUEST_ANNULMENT: "Solicitar anulación",
        Action.RATE: "Valorar",
        Action.ASSIGN: "Asignar",
        Action.ESCALATE: "Escalar",
        Action.REQUEST_INFORMATION: "Solicitar información",
        Action.REQUEST_RECLASSIFICATION: "Solicitar reclasificación",
        Action.APPROVE_ANNULMENT: "Aprobar anulación",
        Action.REJECT_ANNULMENT: "Rechazar anulación",
        Action.RESOLVE: "Resolver",
        Action.CLOSE_EX_OFFICIO: "Cerrar de oficio",
    }
)

ACTION_OWNERS: Final[Mapping[Action, ActorKind]] = MappingProxyType(
    {
        Action.ADD_INFORMATION: ActorKind.AUTORIZADO,
        Action.RECLASSIFY: ActorKind.AUTORIZADO,
        Action.REQUEST_ANNULMENT: ActorKind.AUTORIZADO,
        Action.RATE: ActorKind.AUTORIZADO,
        Action.ASSIGN: ActorKind.TRAMITADOR,
        Action.ESCALATE: ActorKind.TRAMITADOR,
        Action.REQUEST_INFORMATION: ActorKind.TRAMITADOR,
        Action.REQUEST_RECLASSIFICATION: ActorKind.TRAMITADOR,
        Action.APPROVE_ANNULMENT: ActorKind.TRAMITADOR,
        Action.REJECT_ANNULMENT: ActorKind.TRAMITADOR,
        Action.RESOLVE: ActorKind.TRAMITADOR,
        Action.CLOSE_EX_OFFICIO: ActorKind.SYSTEM,
    }
)

_S = Substatus
_A = Action

TRANSITIONS: Final[Mapping[tuple[Substatus, Action], Substatus]] = MappingProxyType(
    {
        (_S.SUBMITTED, _A.ASSIGN): _S.ASSIGNED,
        (_S.SUBMITTED, _A.REQUEST_ANNULMENT): _S.ANNULLED,  # automatic annulment (seed 4.2.2)
        (_S.SUBMITTED, _A.ADD_INFORMATION): _S.SUBMITTED,
        (_S.ASSIGNED, _A.ESCALATE): _S.ESCALATED,
        (_S.ASSIGNED, _A.REQUEST_INFORMATION): _S.INFORMATION_REQUESTED,
        (_S.ASSIGNED, _A.REQUEST_RECLASSIFICATION): _S.RECLASSIFICATION_REQUESTED,
        (_S.ASSIGNED, _A.RESOLVE): _S.RESOLVED,
        (_S.ASSIGNED, _A.REQUEST_ANNULMENT): _S.ANNULMENT_REQUESTED,
        (_S.ASSIGNED, _A.ADD_INFORMATION): _S.ASSIGNED,
        (_S.ESCALATED, _A.ASSIGN): _S.ASSIGNED,
        (_S.ESCALATED, _A.ADD_INFORMATION): _S.ESCALATED,
        (_S.ESCALATED, _A.REQUEST_ANNULMENT): _S.ANNULMENT_REQUESTED,
        (_S.INFORMATION_REQUESTED, _A.ADD_INFORMATION): _S.ASSIGNED,  # answering returns it
        (_S.INFORMATION_REQUESTED, _A.REQUEST_ANNULMENT): _S.ANNULMENT_REQUESTED,
        (_S.INFORMATION_REQUESTED, _A.CLOSE_EX_OFFICIO): _S.CLOSED_EX_OFFICIO,
        (_S.RECLASSIFICATION_REQUESTED, _A.RECLASSIFY): _S.ASSIGNED,
        (_S.RECLASSIFICATION_REQUESTED, _A.ADD_INFORMATION): _S.RECLASSIFICATION_REQUESTED,
        (_S.RECLASSIFICATION_REQUESTED, _A.REQUEST_ANNULMENT): _S.ANNULMENT_REQUESTED,
        (_S.ANNULMENT_REQUESTED, _A.APPROVE_ANNULMENT): _S.ANNULLED,
        (_S.ANNULMENT_REQUESTED, _A.REJECT_ANNULMENT): _S.ASSIGNED,
        (_S.ANNULMENT_REQUESTED, _A.ADD_INFORMATION): _S.ANNULMENT_REQUESTED,
        (_S.RESOLVED, _A.RATE): _S.RESOLVED,
        (_S.ANNULLED, _A.RATE): _S.ANNULLED,
        (_S.CLOSED_EX_OFFICIO, _A.RATE): _S.CLOSED_EX_OFFICIO,
    }
)
"""(substatus, action) → next substatus. The single source of truth of the lifecycle."""


class IllegalTransition(CommandRefused):
    """The pair (substatus, action) is not in the lifecycle table."""

    def __init__(self, substatus: Substatus, action: Action) -> None:
        super().__init__(
            ReasonCode.ILLEGAL_TRANSITION,
            f"No se puede «{action.label}» un caso en estado {substatus.status.label}/{substatus.label}.",
        )
        self.substatus = substatus
        self.action = action


def next_substatus(substatus: Substatus, action: Action) -> Substatus:
    """The substatus `action` leads to from `substatus`; raises IllegalTransition when not in the table."""
    try:
        return TRANSITIONS[substatus, action]
    except KeyError:
        raise IllegalTransition(substatus, action) from None


def allowed_actions(substatus: Substatus) -> frozenset[Action]:
    """The actions the table admits from `substatus` (for menus and queries; data rules still apply)."""
    return frozenset(action for (source, action) in TRANSITIONS if source == substatus)
