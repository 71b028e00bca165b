"""Public case events: what happened to a case (topic ``casia.cases.events.v1``, from the workflow).

The workflow emits exactly one event per applied change, through its outbox, in the case's order
(the Kafka key is the case number). Every event carries the case's identity and its state *after*
the change (``status``, ``substatus``, ``version``), who acted and when, so a subscriber can keep a
view of a case from the events alone and detect gaps or duplicates by ``version``. Type strings
are ``es.casia.case.<name>``. Documented for outside subscribers by the AsyncAPI document.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, PositiveInt

from casia_contracts import topics
from casia_contracts.base import AuthorizationNumber, Message, NonBlankStr, UtcDatetime
from casia_contracts.values import (
    Actor,
    AuthorizationRef,
    CaseType,
    Channel,
    Classification,
    DocumentRef,
    PersonRef,
    Status,
    Substatus,
)


class CaseEvent(Message):
    """Common part of every case event: the case, its state after the change, who and when.

    ``version`` is the case version after the change: 1 for ``CaseOpened``, then +1 per event of
    the case (``CommandRejected`` changes nothing and repeats the current version).
    """

    topic: ClassVar[str] = topics.CASE_EVENTS

    authorization_number: AuthorizationNumber
    case_type: CaseType
    status: Status
    substatus: Substatus
    occurred_at: UtcDatetime
    actor: Actor
    version: PositiveInt


class CaseOpened(CaseEvent):
    """A case was opened (open / submitted). A full snapshot of the case as opened.

    Documents are ``pending``; ``CaseDocumentStored`` / ``CaseDocumentRejected`` follow.
    """

    message_type: ClassVar[str] = "es.casia.case.opened"

    authorization: AuthorizationRef
    opened_by: PersonRef
    channel: Channel
    classification: Classification
    affects_current_period: bool
    title: NonBlankStr
    description: NonBlankStr
    additional_data: dict[str, str]
    documents: list[DocumentRef]
    opened_at: UtcDatetime


class InformationAdded(CaseEvent):
    """The autorizado added information and/or documents (``pending``) to an open case.

    From information_requested the case returns to assigned; otherwise the substatus is unchanged.
    """

    message_type: ClassVar[str] = "es.casia.case.information_added"

    text: NonBlankStr | None = None
    documents: list[DocumentRef]


class CaseReclassified(CaseEvent):
    """The autorizado changed the classification as asked; the case returns to assigned."""

    message_type: ClassVar[str] = "es.casia.case.reclassified"

    classification: Classification
    additional_data: dict[str, str] | None = None
    """The additional data the case holds after the change (optional for readers of older events)."""


class AnnulmentRequested(CaseEvent):
    """The autorizado asked for annulment of an attended case: it awaits a clerk's decision."""

    message_type: ClassVar[str] = "es.casia.case.annulment_requested"

    reason: NonBlankStr


class CaseAnnulled(CaseEvent):
    """The case was annulled (closed / annulled).

    ``automatic`` when asked while not yet attended (the autorizado's reason), otherwise approved
    by a clerk (the clerk's reason).
    """

    message_type: ClassVar[str] = "es.casia.case.annulled"

    reason: NonBlankStr
    automatic: bool


class AnnulmentRejected(CaseEvent):
    """A clerk rejected the requested annulment, with reasons; the case returns to assigned."""

    message_type: ClassVar[str] = "es.casia.case.annulment_rejected"

    reason: NonBlankStr


class CaseAssigned(CaseEvent):
    """A clerk took the case (open / assigned); ``assignee`` is that clerk."""

    message_type: ClassVar[str] = "es.casia.case.assigned"

    assignee: PersonRef


class CaseEscalated(CaseEvent):
    """A clerk escalated the case (open / escalated), with observations."""

    message_type: ClassVar[str] = "es.casia.case.escalated"

    observations: NonBlankStr


class InformationRequested(CaseEvent):
    """A clerk asked the autorizado for information (open / information_requested).

    ``deadline`` is when the case will be closed ex officio if nothing is added (consulta and
    error/incidencia cases, 20 calendar days); ``None`` for trámite cases, which have no deadline.
    """

    message_type: ClassVar[str] = "es.casia.case.information_requested"

    message: NonBlankStr
    deadline: UtcDatetime | None = None
    documents: list[DocumentRef] = Field(default_factory=list)
    """Documents the clerk attached to the request (``pending``)."""


class ReclassificationRequested(CaseEvent):
    """A clerk asked the autorizado to reclassify the case (open / reclassification_requested)."""

    message_type: ClassVar[str] = "es.casia.case.reclassification_requested"

    message: NonBlankStr


class CaseResolved(CaseEvent):
    """A clerk resolved the case (closed / resolved) with the answer and any documents."""

    message_type: ClassVar[str] = "es.casia.case.resolved"

    answer: NonBlankStr
    documents: list[DocumentRef]


class CaseClosedExOfficio(CaseEvent):
    """The case was closed ex officio (closed / closed_ex_officio), e.g. by the 20-day timer."""

    message_type: ClassVar[str] = "es.casia.case.closed_ex_officio"

    reason: NonBlankStr


class CaseRated(CaseEvent):
    """The autorizado rated the closed case (once): score 1 to 5 and optional observations."""

    message_type: ClassVar[str] = "es.casia.case.rated"

    score: int = Field(ge=1, le=5)
    observations: NonBlankStr | None = None


class CaseDocumentStored(CaseEvent):
    """A document of the case passed the checks and is stored: ``document.status`` is ``stored``."""

    message_type: ClassVar[str] = "es.casia.case.document_stored"

    document: DocumentRef


class CaseDocumentRejected(CaseEvent):
    """A document of the case was rejected by the checks (e.g. wrong content, malware).

    ``reason_code`` is the documents service's code (e.g. ``content_type_mismatch``).
    """

    message_type: ClassVar[str] = "es.casia.case.document_rejected"

    document_id: NonBlankStr
    reason_code: NonBlankStr
    reason: NonBlankStr


class CommandRejected(CaseEvent):
    """A command on an existing case broke a rule only the workflow could decide.

    The case did not change: ``status``, ``substatus`` and ``version`` are its current ones and
    ``actor`` is who sent the command. ``command_id`` is the command's envelope id and
    ``command_type`` its CloudEvents type; ``reason_code`` is stable, ``reason`` is for people.
    """

    message_type: ClassVar[str] = "es.casia.case.command_rejected"

    command_type: NonBlankStr
    command_id: NonBlankStr
    reason_code: NonBlankStr
    reason: NonBlankStr


CASE_EVENT_MODELS: tuple[type[CaseEvent], ...] = (
    CaseOpened,
    InformationAdded,
    CaseReclassified,
    AnnulmentRequested,
    CaseAnnulled,
    AnnulmentRejected,
    CaseAssigned,
    CaseEscalated,
    InformationRequested,
    ReclassificationRequested,
    CaseResolved,
    CaseClosedExOfficio,
    CaseRated,
    CaseDocumentStored,
    CaseDocumentRejected,
    CommandRejected,
)
