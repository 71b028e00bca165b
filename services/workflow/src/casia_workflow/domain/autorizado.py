"""Decisions on the autorizado's commands: add information, reclassify, request annulment, rate.

Each one: the table (via `admit`), the data rules, one history entry, version + 1, its events.
"""

from dataclasses import replace
from datetime import datetime
from typing import Final

from casia_workflow.domain.case import Case, Classification, InformationEntry, Rating
from casia_workflow.domain.commands import AddInformation, Rate, Reclassify, RequestAnnulment
from casia_workflow.domain.decision import Decision, admit, advance, attach, observe
from casia_workflow.domain.errors import CommandRefused, ReasonCode
from casia_workflow.domain.events import (
    AnnulmentRequested,
    CaseAnnulled,
    CaseRated,
    CaseReclassified,
    InformationAdded,
)
from casia_workflow.domain.states import Substatus

MIN_SCORE: Final = 1
MAX_SCORE: Final = 5


def add_information(case: Case, command: AddInformation, *, at: datetime) -> Decision:
    """Modificar información: text, documents or both, only while open.

    Refuses an empty contribution (empty_information) and reused document ids (duplicate_document).
    From information_requested the case returns to assigned; elsewhere the substatus stays.
    Text is kept in `information`; documents are attached pending. Emits InformationAdded.
    """
    target = admit(case, command)
    text = command.text.strip()
    if not text and not command.documents:
        raise CommandRefused(
            ReasonCode.EMPTY_INFORMATION, "Debe aportar información adicional o al menos un documento."
        )
    documents = attach(case.documents, command.documents, by=command.actor, at=at)
    entries = (InformationEntry(text=text, at=at, by=command.actor),) if text else ()
    changed = replace(
        case, documents=(*case.documents, *documents), information=(*case.information, *entries)
    )
    observations = _contribution(has_text=bool(text), documents=len(documents))
    changed = advance(changed, to=target, by=command.actor, at=at, observations=observations)
    event = InformationAdded(
        case_number=case.number, at=at, actor=command.actor, text=text, documents=documents
    )
    return Decision(changed, (event,))


def reclassify(case: Case, command: Reclassify, *, at: datetime) -> Decision:
    """Answer to a reclassification request: the case takes the new classification, back to assigned.

    The same classification as before is accepted (the autorizado confirms it; the clerk judges).
    Validity against the catalog is intake's job. Emits CaseReclassified.
    """
    target = admit(case, command)
    data = case.additional_data if command.additional_data is None else command.additional_data
    changed = replace(case, classification=command.classification, additional_data=data)
    observations = observe("Caso reclasificado", describe(command.classification))
    changed = advance(changed, to=target, by=command.actor, at=at, observations=observations)
    event = CaseReclassified(
        case_number=case.number,
        at=at,
        actor=command.actor,
        classification=command.classification,
        previous_classification=case.classification,
    )
    return Decision(changed, (event,))


def request_annulment(case: Case, command: RequestAnnulment, *, at: datetime) -> Decision:
    """Solicitar anulación: refused when closed.

    From submitted (not yet attended) the annulment is automatic: closed/annulled, CaseAnnulled
    with automatic=True. Otherwise it awaits a clerk in annulment_requested: AnnulmentRequested.
    """
    target = admit(case, command)
    reason = (command.reason or "").strip() or None
    changed = replace(case, annulment_reason=reason)
    if target is Substatus.ANNULLED:
        observations = observe("Anulación automática a petición del autorizado", reason)
        changed = advance(changed, to=target, by=command.actor, at=at, observations=observations)
        annulled = CaseAnnulled(
            case_number=case.number, at=at, actor=command.actor, reason=reason, automatic=True
        )
        return Decision(changed, (annulled,))
    observations = observe("Solicitada anulación", reason)
    changed = advance(changed, to=target, by=command.actor, at=at, observations=observations)
    requested = AnnulmentRequested(case_number=case.number, at=at, actor=command.actor, reason=reason)
    return Decision(changed, (requested,))


def rate(case: Case, command: Rate, *, at: datetime) -> Decision:
    """Valoración: only once a case is closed, only once (already_rated), score 1..5 (invalid_score).

    The substatus and its date stay; the rating is recorded in history. Emits CaseRated.
    """
    target = admit(case, command)
    if case.rating is not None:
        raise CommandRefused(ReasonCode.ALREADY_RATED, "El caso ya ha sido valorado.")
    if not MIN_SCORE <= command.score <= MAX_SCORE:
        raise CommandRefused(
            ReasonCode.INVALID_SCORE, f"La valoración debe estar entre {MIN_SCORE} y {MAX_SCORE}."
        )
    rating = Rating(score=command.score, observations=command.observations, at=at)
    observations = observe(f"Valoración: {command.score} de {MAX_SCORE}", command.observations)
    changed = advance(
        replace(case, rating=rating), to=target, by=command.actor, at=at, observations=observations
    )
    event = CaseRated(
        case_number=case.number,
        at=at,
        actor=command.actor,
        score=command.score,
        observations=command.observations,
    )
    return Decision(changed, (event,))


def describe(classification: Classification) -> str:
    """Tipo > materia > categoría [> subcategoría], for people."""
    parts = [classification.case_type.label, classification.subject, classification.category]
    if classification.subcategory:
        parts.append(classification.subcategory)
    return " > ".join(parts)


def _contribution(*, has_text: bool, documents: int) -> str:
    parts = ["Aportada información adicional"] if has_text else []
    if documents == 1:
        parts.append("anexado 1 documento")
    elif documents > 1:
        parts.append(f"anexados {documents} documentos")
    summary = ", ".join(parts)
    return summary[:1].upper() + summary[1:]
