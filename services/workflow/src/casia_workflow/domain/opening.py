"""Alta del caso: the only way a case comes to exist."""

from datetime import datetime

from casia_workflow.domain.case import Actor, Case, HistoryEntry
from casia_workflow.domain.commands import OpenCase
from casia_workflow.domain.decision import Decision, attach, require_text
from casia_workflow.domain.events import CaseOpened
from casia_workflow.domain.states import Substatus

OPENING_OBSERVATIONS = "Alta del caso"


def open_case(command: OpenCase, *, at: datetime) -> Decision:
    """A new case in open/submitted, version 1, with its first history entry; emits CaseOpened.

    The opener (`command.opened_by`) is the acting autorizado. Documents are attached `at` the
    opening, pending until the documents service stores or rejects them. Refuses a missing title
    or description (missing_text) and repeated document ids (duplicate_document).
    """
    actor = Actor.autorizado(command.opened_by)
    require_text(command.title, what="el título")
    require_text(command.description, what="la descripción")
    documents = attach((), command.documents, by=actor, at=at)
    first = HistoryEntry(
        status=Substatus.SUBMITTED.status,
        substatus=Substatus.SUBMITTED,
        at=at,
        actor=actor,
        observations=OPENING_OBSERVATIONS,
    )
    case = Case(
        number=command.number,
        authorization=command.authorization,
        opened_by=command.opened_by,
        channel=command.channel,
        opened_at=at,
        classification=command.classification,
        affects_current_period=command.affects_current_period,
        title=command.title,
        description=command.description,
        additional_data=command.additional_data,
        documents=documents,
        substatus=Substatus.SUBMITTED,
        substatus_at=at,
        assignee=None,
        history=(first,),
        information=(),
        annulment_reason=None,
        resolution=None,
        rating=None,
        version=1,
    )
    return Decision(case, (CaseOpened(case_number=case.number, at=at, actor=actor, case=case),))
