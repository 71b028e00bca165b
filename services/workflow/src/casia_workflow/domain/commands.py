"""Commands: what someone asks of a case. Imperative, one owner each, and they may be refused.

Every case command names its case and the acting `actor`; `action` (a class attribute, not a
field) is its row label in the lifecycle table. Texts are already trimmed and length-checked by
intake; the domain only insists on the texts the rules require.
"""

from dataclasses import dataclass
from typing import ClassVar

from casia_workflow.domain.case import (
    Actor,
    AdditionalData,
    Authorization,
    Channel,
    Classification,
    Person,
)
from casia_workflow.domain.ids import CaseNumber, DocumentId
from casia_workflow.domain.states import Action


@dataclass(frozen=True, kw_only=True)
class NewDocument:
    """A document just uploaded to quarantine; the documents service will store or reject it."""

    document_id: DocumentId
    document_type: str
    title: str
    file_name: str
    size_bytes: int
    content_type: str


@dataclass(frozen=True, kw_only=True)
class OpenCase:
    """Alta del caso. `number` is allocated by intake; the opener is the acting autorizado."""

    number: CaseNumber
    authorization: Authorization
    opened_by: Person
    channel: Channel
    classification: Classification
    affects_current_period: bool
    title: str
    description: str
    additional_data: AdditionalData = ()
    documents: tuple[NewDocument, ...] = ()


@dataclass(frozen=True, kw_only=True)
class CaseCommand:
    """Base of every command on an existing case."""

    action: ClassVar[Action]
    case_number: CaseNumber
    actor: Actor


# --- the autorizado's ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AddInformation(CaseCommand):
    """Modificar información: text, documents or both (at least one)."""

    action: ClassVar[Action] = Action.ADD_INFORMATION
    text: str = ""
    documents: tuple[NewDocument, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Reclassify(CaseCommand):
    """Answer to a reclassification request; `additional_data`, when given, replaces the old one."""

    action: ClassVar[Action] = Action.RECLASSIFY
    classification: Classification
    additional_data: AdditionalData | None = None


@dataclass(frozen=True, kw_only=True)
class RequestAnnulment(CaseCommand):
    action: ClassVar[Action] = Action.REQUEST_ANNULMENT
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class Rate(CaseCommand):
    action: ClassVar[Action] = Action.RATE
    score: int
    observations: str = ""


# --- the clerk's (tramitador) -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Assign(CaseCommand):
    action: ClassVar[Action] = Action.ASSIGN
    assignee: Person


@dataclass(frozen=True, kw_only=True)
class Escalate(CaseCommand):
    action: ClassVar[Action] = Action.ESCALATE
    observations: str = ""


@dataclass(frozen=True, kw_only=True)
class RequestInformation(CaseCommand):
    action: ClassVar[Action] = Action.REQUEST_INFORMATION
    message: str
    documents: tuple[NewDocument, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RequestReclassification(CaseCommand):
    action: ClassVar[Action] = Action.REQUEST_RECLASSIFICATION
    message: str


@dataclass(frozen=True, kw_only=True)
class ApproveAnnulment(CaseCommand):
    action: ClassVar[Action] = Action.APPROVE_ANNULMENT
    observations: str = ""


@dataclass(frozen=True, kw_only=True)
class RejectAnnulment(CaseCommand):
    action: ClassVar[Action] = Action.REJECT_ANNULMENT
    reason: str


@dataclass(frozen=True, kw_only=True)
class Resolve(CaseCommand):
    action: ClassVar[Action] = Action.RESOLVE
    answer: str
    documents: tuple[NewDocument, ...] = ()


# --- the timer's --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CloseExOfficio(CaseCommand):
    action: ClassVar[Action] = Action.CLOSE_EX_OFFICIO
