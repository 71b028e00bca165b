"""The result of a decision, and the steps every decision shares."""

from dataclasses import dataclass, replace
from datetime import datetime

from casia_workflow.domain.case import Actor, Case, Document, HistoryEntry
from casia_workflow.domain.commands import CaseCommand, NewDocument
from casia_workflow.domain.errors import CommandRefused, ReasonCode
from casia_workflow.domain.events import DomainEvent
from casia_workflow.domain.states import Substatus, next_substatus


@dataclass(frozen=True)
class Decision:
    """The case after an accepted command and the events to publish, in order."""

    case: Case
    events: tuple[DomainEvent, ...]


def admit(case: Case, command: CaseCommand) -> Substatus:
    """The substatus the command leads to, once its actor and the table allow it.

    Raises ValueError when the command is addressed to another case (a caller's bug, not a
    refusal); CommandRefused(actor_not_allowed) or IllegalTransition otherwise.
    """
    if command.case_number != case.number:
        raise ValueError(f"command for case {command.case_number} applied to case {case.number}")
    owner = command.action.owner
    if command.actor.kind is not owner:
        raise CommandRefused(
            ReasonCode.ACTOR_NOT_ALLOWED,
            f"La acción «{command.action.label}» solo puede realizarla: {owner.label}.",
        )
    return next_substatus(case.substatus, command.action)


def advance(case: Case, *, to: Substatus, by: Actor, at: datetime, observations: str) -> Case:
    """`case` moved to `to` with one more history entry and the next version.

    `substatus_at` changes only when the substatus does: it dates the substatus, so that the
    deadline of a request for information is not reset by, say, a rating or new documents.
    """
    entry = HistoryEntry(status=to.status, substatus=to, at=at, actor=by, observations=observations)
    return replace(
        case,
        substatus=to,
        substatus_at=at if to is not case.substatus else case.substatus_at,
        history=(*case.history, entry),
        version=case.version + 1,
    )


def noted(case: Case, note: str | None) -> Case:
    """`case` with `note` (for clerks only, see HistoryEntry) on its last history entry."""
    *earlier, last = case.history
    return replace(case, history=(*earlier, replace(last, note=note)))


def require_text(text: str, *, what: str) -> str:
    """`text` trimmed; refuses with missing_text when blank (`what` names it, in Spanish)."""
    trimmed = text.strip()
    if not trimmed:
        raise CommandRefused(ReasonCode.MISSING_TEXT, f"Falta {what}.")
    return trimmed


def attach(
    existing: tuple[Document, ...], uploads: tuple[NewDocument, ...], *, by: Actor, at: datetime
) -> tuple[Document, ...]:
    """The uploads as pending documents; refuses (duplicate_document) an id among `existing` or repeated."""
    seen = {document.document_id for document in existing}
    for upload in uploads:
        if upload.document_id in seen:
            raise CommandRefused(
                ReasonCode.DUPLICATE_DOCUMENT,
                f"El documento {upload.document_id} ya está anexado al caso.",
            )
        seen.add(upload.document_id)
    return tuple(
        Document(
            document_id=upload.document_id,
            document_type=upload.document_type,
            title=upload.title,
            file_name=upload.file_name,
            size_bytes=upload.size_bytes,
            content_type=upload.content_type,
            attached_at=at,
            attached_by=by,
        )
        for upload in uploads
    )


def observe(summary: str, detail: str | None = None) -> str:
    """History observations: a fixed Spanish summary, then the person's own words if any."""
    return f"{summary}: {detail.strip()}" if detail and detail.strip() else summary
