"""Case commands: what intake asks the workflow to do to a case (topic ``casia.cases.commands.v1``).

A command is imperative and may be refused. Intake sends one only after checking what it can see
(authorization, catalog, current substatus); the workflow applies it once (deduplicating by the
envelope id) and answers with the matching case event, or with ``CommandRejected`` for a rule
only it can decide. Every command names its case and the acting person: ``by`` is the
autorizado for the autorizado's commands and the clerk (tramitador) for the clerk's commands.
Type strings are ``es.casia.case.command.<name>``. The 20-day automatic closure is a timer inside
the workflow, not a command.
"""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import Field, PositiveInt, model_validator

from casia_contracts import topics
from casia_contracts.base import Message, NonBlankStr
from casia_contracts.values import AuthorizationRef, Channel, Classification, DocumentRef, PersonRef


class CaseCommand(Message):
    """Base of every case command: travels on ``casia.cases.commands.v1``, keyed by case number."""

    topic: ClassVar[str] = topics.CASE_COMMANDS


class PersonCommand(CaseCommand):
    """A case command on an existing case, with the person who gives it.

    ``expected_version``, when given, is the case version the person saw (HTTP ``If-Match``): the
    workflow refuses the command (``stale_version``) if the case has moved on since, so two
    people acting on what they saw cannot both win.
    """

    by: PersonRef
    expected_version: PositiveInt | None = None


# --- the autorizado's commands -------------------------------------------------------------------


class OpenCase(CaseCommand):
    """Alta: open a case with the number intake allocated. Answered by ``CaseOpened``.

    ``documents`` are the files uploaded with the case, all ``pending``: intake has put them in
    quarantine and sent one ``StoreDocument`` each. ``additional_data`` holds the extra fields the
    catalog node requires (e.g. CCC, NAF), already validated by intake.
    """

    message_type: ClassVar[str] = "es.casia.case.command.open"

    authorization: AuthorizationRef
    opened_by: PersonRef
    channel: Channel
    classification: Classification
    affects_current_period: bool
    title: NonBlankStr
    description: NonBlankStr
    additional_data: dict[str, str]
    documents: list[DocumentRef]


class AddInformation(PersonCommand):
    """Add information text and/or documents (``pending``) to an open case.

    Answered by ``InformationAdded``. At least one of ``text`` and ``documents`` is present.
    """

    message_type: ClassVar[str] = "es.casia.case.command.add_information"

    text: NonBlankStr | None = None
    documents: list[DocumentRef]

    @model_validator(mode="after")
    def _something_added(self) -> Self:
        if self.text is None and not self.documents:
            raise ValueError("add information needs a text or at least one document")
        return self


class Reclassify(PersonCommand):
    """Change the case's classification, as the clerk asked. Answered by ``CaseReclassified``.

    ``additional_data`` is what the new catalog node requires (e.g. CCC, NAF), validated by intake
    against that node; it replaces the case's. ``None`` (a writer older than the field) keeps the
    case's data as it was.
    """

    message_type: ClassVar[str] = "es.casia.case.command.reclassify"

    classification: Classification
    additional_data: dict[str, str] | None = None


class RequestAnnulment(PersonCommand):
    """Ask for the annulment of the case, with a reason.

    Answered by ``CaseAnnulled`` (automatic, when not yet attended) or ``AnnulmentRequested``.
    """

    message_type: ClassVar[str] = "es.casia.case.command.request_annulment"

    reason: NonBlankStr


class RateCase(PersonCommand):
    """Rate a closed case once: ``score`` 1 to 5 and optional observations. Answered by ``CaseRated``."""

    message_type: ClassVar[str] = "es.casia.case.command.rate"

    score: int = Field(ge=1, le=5)
    observations: NonBlankStr | None = None


# --- the clerk's (tramitador's) commands ---------------------------------------------------------


class AssignCase(PersonCommand):
    """The clerk ``by`` assigns the case (submitted or escalated) to ``assignee``, or takes it
    when ``assignee`` is absent. Answered by ``CaseAssigned``."""

    message_type: ClassVar[str] = "es.casia.case.command.assign"

    assignee: PersonRef | None = None


class EscalateCase(PersonCommand):
    """Escalate the case with observations. Answered by ``CaseEscalated``."""

    message_type: ClassVar[str] = "es.casia.case.command.escalate"

    observations: NonBlankStr


class RequestInformation(PersonCommand):
    """Ask the autorizado for information or documents. Answered by ``InformationRequested``.

    ``documents`` (``pending``) are the clerk's own, attached to the case with the request (a
    form to fill in, say): beyond the guide, because such a request often needs one.
    """

    message_type: ClassVar[str] = "es.casia.case.command.request_information"

    message: NonBlankStr
    documents: list[DocumentRef] = Field(default_factory=list)


class RequestReclassification(PersonCommand):
    """Ask the autorizado to change the classification. Answered by ``ReclassificationRequested``."""

    message_type: ClassVar[str] = "es.casia.case.command.request_reclassification"

    message: NonBlankStr


class DecideAnnulment(PersonCommand):
    """Approve or reject a requested annulment, with the reason.

    Answered by ``CaseAnnulled`` (approved) or ``AnnulmentRejected`` (rejected).
    """

    message_type: ClassVar[str] = "es.casia.case.command.decide_annulment"

    approve: bool
    reason: NonBlankStr


class ResolveCase(PersonCommand):
    """Close the case as resolved with the answer and any documents. Answered by ``CaseResolved``."""

    message_type: ClassVar[str] = "es.casia.case.command.resolve"

    answer: NonBlankStr
    documents: list[DocumentRef]


CASE_COMMAND_MODELS: tuple[type[CaseCommand], ...] = (
    OpenCase,
    AddInformation,
    Reclassify,
    RequestAnnulment,
    RateCase,
    AssignCase,
    EscalateCase,
    RequestInformation,
    RequestReclassification,
    DecideAnnulment,
    ResolveCase,
)
