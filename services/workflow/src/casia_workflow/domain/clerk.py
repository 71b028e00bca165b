"""Decisions on the clerk's (tramitador) commands.

Each one: the table (via `admit`, which also checks the actor is a clerk), the data rules, one
history entry, version + 1, its events. Any clerk may act on any case: who may work which queue
is not a rule of the case.
"""

from dataclasses import replace
from datetime import datetime

from casia_workflow.domain.case import Case, Resolution
from casia_workflow.domain.closure import information_deadline
from casia_workflow.domain.commands import (
    ApproveAnnulment,
    Assign,
    Escalate,
    RejectAnnulment,
    RequestInformation,
    RequestReclassification,
    Resolve,
)
from casia_workflow.domain.decision import Decision, admit, advance, attach, noted, observe, require_text
from casia_workflow.domain.events import (
    AnnulmentRejected,
    CaseAnnulled,
    CaseAssigned,
    CaseEscalated,
    CaseResolved,
    InformationRequested,
    ReclassificationRequested,
)


def assign(case: Case, command: Assign, *, at: datetime) -> Decision:
    """Take a submitted or escalated case: it becomes assigned to `command.assignee`. Emits CaseAssigned."""
    target = admit(case, command)
    changed = advance(
        replace(case, assignee=command.assignee),
        to=target,
        by=command.actor,
        at=at,
        observations="Caso asignado",
    )
    changed = noted(changed, f"Asignado a {command.assignee.name} ({command.assignee.nif})")
    event = CaseAssigned(case_number=case.number, at=at, actor=command.actor, assignee=command.assignee)
    return Decision(changed, (event,))


def escalate(case: Case, command: Escalate, *, at: datetime) -> Decision:
    """Pass an assigned case up. The assignee stays until someone else is assigned. The clerk's
    observations are a note for clerks. Emits CaseEscalated."""
    target = admit(case, command)
    changed = advance(case, to=target, by=command.actor, at=at, observations="Caso escalado")
    changed = noted(changed, command.observations.strip() or None)
    event = CaseEscalated(
        case_number=case.number, at=at, actor=command.actor, observations=command.observations
    )
    return Decision(changed, (event,))


def request_information(case: Case, command: RequestInformation, *, at: datetime) -> Decision:
    """Ask the autorizado for information (message required: missing_text), optionally with the
    clerk's own documents, which join the case's (pending).

    Emits InformationRequested with the closure deadline (00:00 in Madrid after the 20th calendar
    day; None for trámite).
    """
    target = admit(case, command)
    message = require_text(command.message, what="el texto de la solicitud de información")
    documents = attach(case.documents, command.documents, by=command.actor, at=at)
    observations = observe("Solicitada información", message)
    changed = replace(case, documents=(*case.documents, *documents))
    changed = advance(changed, to=target, by=command.actor, at=at, observations=observations)
    event = InformationRequested(
        case_number=case.number,
        at=at,
        actor=command.actor,
        message=message,
        deadline=information_deadline(changed),
        documents=documents,
    )
    return Decision(changed, (event,))


def request_reclassification(case: Case, command: RequestReclassification, *, at: datetime) -> Decision:
    """Ask the autorizado to change the classification (message required). Emits ReclassificationRequested."""
    target = admit(case, command)
    message = require_text(command.message, what="el texto de la solicitud de reclasificación")
    observations = observe("Solicitada reclasificación", message)
    changed = advance(case, to=target, by=command.actor, at=at, observations=observations)
    event = ReclassificationRequested(case_number=case.number, at=at, actor=command.actor, message=message)
    return Decision(changed, (event,))


def approve_annulment(case: Case, command: ApproveAnnulment, *, at: datetime) -> Decision:
    """Grant a pending annulment request: closed/annulled. Emits CaseAnnulled(automatic=False)."""
    target = admit(case, command)
    observations = observe("Anulación aprobada", command.observations)
    changed = advance(case, to=target, by=command.actor, at=at, observations=observations)
    event = CaseAnnulled(
        case_number=case.number, at=at, actor=command.actor, reason=case.annulment_reason, automatic=False
    )
    return Decision(changed, (event,))


def reject_annulment(case: Case, command: RejectAnnulment, *, at: datetime) -> Decision:
    """Refuse a pending annulment request with reasons (missing_text): back to assigned.

    The request's reason is cleared from the case (it stays in history). Emits AnnulmentRejected.
    """
    target = admit(case, command)
    reason = require_text(command.reason, what="el motivo del rechazo")
    observations = observe("Anulación rechazada", reason)
    changed = advance(
        replace(case, annulment_reason=None), to=target, by=command.actor, at=at, observations=observations
    )
    event = AnnulmentRejected(case_number=case.number, at=at, actor=command.actor, reason=reason)
    return Decision(changed, (event,))


def resolve(case: Case, command: Resolve, *, at: datetime) -> Decision:
    """Answer the case (answer required: missing_text), optionally with documents: closed/resolved.

    The documents join the case's documents (pending) and the resolution names them. Emits
    CaseResolved.
    """
    target = admit(case, command)
    answer = require_text(command.answer, what="la respuesta")
    documents = attach(case.documents, command.documents, by=command.actor, at=at)
    resolution = Resolution(
        answer=answer, documents=tuple(d.document_id for d in documents), at=at, by=command.actor
    )
    changed = replace(case, documents=(*case.documents, *documents), resolution=resolution)
    observations = observe("Caso resuelto", answer)  # the answer is read in the history (guide 4.2.3)
    changed = advance(changed, to=target, by=command.actor, at=at, observations=observations)
    event = CaseResolved(
        case_number=case.number, at=at, actor=command.actor, answer=answer, documents=documents
    )
    return Decision(changed, (event,))
