"""Domain events become public contract events, carrying the case's state after the decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from casia_contracts import case_events as e
from casia_contracts import values as v
from casia_workflow import domain as d
from casia_workflow.domain.closure import CLOSURE_OBSERVATIONS

NO_REASON = "Sin motivo indicado"


def actor(a: d.Actor) -> v.Actor:
    return v.Actor(kind=v.ActorKind(a.kind.value), nif=a.nif, name=a.name)


def person(p: d.Person) -> v.PersonRef:
    return v.PersonRef(nif=p.nif, name=p.name)


def classification(c: d.Classification) -> v.Classification:
    return v.Classification(
        case_type=v.CaseType(c.case_type.value),
        subject=c.subject,
        category=c.category,
        subcategory=c.subcategory,
    )


def document(doc: d.Document) -> v.DocumentRef:
    return v.DocumentRef(
        document_id=doc.document_id,
        document_type=doc.document_type,
        title=doc.title,
        file_name=doc.file_name,
        size_bytes=doc.size_bytes,
        content_type=doc.content_type,
        sha256=doc.sha256,
        status=v.DocumentStatus(doc.status.value),
    )


def base(case: d.Case, event: d.DomainEvent) -> dict[str, Any]:
    """The fields every case event carries: the case as it stands after the change."""
    return {
        "case_number": case.number,
        "authorization_number": case.authorization.number,
        "case_type": v.CaseType(case.classification.case_type.value),
        "status": v.Status(case.status.value),
        "substatus": v.Substatus(case.substatus.value),
        "occurred_at": event.at,
        "actor": actor(event.actor),
        "version": case.version,
    }


def public_event(case: d.Case, event: d.DomainEvent) -> e.CaseEvent:
    """The contract event for ``event``; ``case`` is the case after the decision."""
    build = _BUILDERS[type(event)]
    return build(case, event)


def _opened(case: d.Case, event: d.CaseOpened) -> e.CaseEvent:
    a = case.authorization
    return e.CaseOpened(
        **base(case, event),
        authorization=v.AuthorizationRef(
            number=a.number, holder_nif=a.holder_nif, business_name=a.business_name
        ),
        opened_by=person(case.opened_by),
        channel=v.Channel(case.channel.value),
        classification=classification(case.classification),
        affects_current_period=case.affects_current_period,
        title=case.title,
        description=case.description,
        additional_data=dict(case.additional_data),
        documents=[document(x) for x in case.documents],
        opened_at=case.opened_at,
    )


def _stored(case: d.Case, event: d.CaseDocumentStored) -> e.CaseEvent:
    stored = case.document(event.document_id)
    if stored is None:  # the decision just stored it: absence is a bug, not a business case
        raise LookupError(event.document_id)
    return e.CaseDocumentStored(**base(case, event), document=document(stored))


_BUILDERS: dict[type[d.DomainEvent], Callable[[d.Case, Any], e.CaseEvent]] = {
    d.CaseOpened: _opened,
    d.InformationAdded: lambda case, ev: e.InformationAdded(
        **base(case, ev), text=ev.text or None, documents=[document(x) for x in ev.documents]
    ),
    d.CaseReclassified: lambda case, ev: e.CaseReclassified(
        **base(case, ev),
        classification=classification(ev.classification),
        additional_data=dict(case.additional_data),
    ),
    d.AnnulmentRequested: lambda case, ev: e.AnnulmentRequested(
        **base(case, ev), reason=ev.reason or NO_REASON
    ),
    d.CaseAnnulled: lambda case, ev: e.CaseAnnulled(
        **base(case, ev), reason=ev.reason or NO_REASON, automatic=ev.automatic
    ),
    d.AnnulmentRejected: lambda case, ev: e.AnnulmentRejected(**base(case, ev), reason=ev.reason),
    d.CaseAssigned: lambda case, ev: e.CaseAssigned(**base(case, ev), assignee=person(ev.assignee)),
    d.CaseEscalated: lambda case, ev: e.CaseEscalated(
        **base(case, ev), observations=ev.observations or "Escalado"
    ),
    d.InformationRequested: lambda case, ev: e.InformationRequested(
        **base(case, ev),
        message=ev.message,
        deadline=ev.deadline,
        documents=[document(x) for x in ev.documents],
    ),
    d.ReclassificationRequested: lambda case, ev: e.ReclassificationRequested(
        **base(case, ev), message=ev.message
    ),
    d.CaseResolved: lambda case, ev: e.CaseResolved(
        **base(case, ev), answer=ev.answer, documents=[document(x) for x in ev.documents]
    ),
    d.CaseClosedExOfficio: lambda case, ev: e.CaseClosedExOfficio(
        **base(case, ev), reason=CLOSURE_OBSERVATIONS
    ),
    d.CaseRated: lambda case, ev: e.CaseRated(
        **base(case, ev), score=ev.score, observations=ev.observations or None
    ),
    d.CaseDocumentStored: _stored,
    d.CaseDocumentRejected: lambda case, ev: e.CaseDocumentRejected(
        **base(case, ev), document_id=ev.document_id, reason_code=ev.reason_code, reason=ev.reason
    ),
}
