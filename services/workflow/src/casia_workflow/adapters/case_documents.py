"""The workflow's case as the stored read model (:class:`casia_read_models.StoredCase`), and back.

The stored shape is defined once in ``casia_read_models`` for the workflow (its only writer) and
intake (which serves it); here is only the translation from and to the pure domain.
"""

from __future__ import annotations

from casia_contracts import values as v
from casia_read_models import (
    StoredActor,
    StoredAuthorization,
    StoredCase,
    StoredDocument,
    StoredHistoryEntry,
    StoredInformation,
    StoredPerson,
    StoredRating,
    StoredResolution,
)
from casia_workflow.domain import (
    Actor,
    ActorKind,
    Authorization,
    AuthorizationNumber,
    Case,
    CaseNumber,
    CaseType,
    Channel,
    Classification,
    Document,
    DocumentId,
    DocumentStatus,
    HistoryEntry,
    InformationEntry,
    Nif,
    Person,
    Rating,
    Resolution,
    Status,
    Substatus,
    information_deadline,
    possible_actions,
)


def to_stored(case: Case) -> StoredCase:
    c = case.classification
    a = case.authorization
    return StoredCase(
        case_number=case.number,
        authorization=StoredAuthorization(
            number=a.number, holder_nif=a.holder_nif, business_name=a.business_name
        ),
        opened_by=_person(case.opened_by),
        channel=v.Channel(case.channel.value),
        opened_at=case.opened_at,
        case_type=v.CaseType(c.case_type.value),
        subject=c.subject,
        category=c.category,
        subcategory=c.subcategory,
        affects_current_period=case.affects_current_period,
        title=case.title,
        description=case.description,
        additional_data=dict(case.additional_data),
        documents=[_document(d) for d in case.documents],
        status=v.Status(case.status.value),
        status_label=case.status.label,
        substatus=v.Substatus(case.substatus.value),
        substatus_label=case.substatus.label,
        substatus_at=case.substatus_at,
        assignee=_person(case.assignee) if case.assignee else None,
        history=[_history(h) for h in case.history],
        information=[StoredInformation(text=i.text, at=i.at, by=_actor(i.by)) for i in case.information],
        annulment_reason=case.annulment_reason,
        resolution=_resolution(case.resolution) if case.resolution else None,
        rating=_rating(case.rating) if case.rating else None,
        closure_due_at=information_deadline(case),
        allowed_actions=sorted(action.value for action in possible_actions(case)),
        version=case.version,
    )


def from_stored(stored: StoredCase) -> Case:
    a = stored.authorization
    return Case(
        number=CaseNumber(stored.case_number),
        authorization=Authorization(
            number=AuthorizationNumber(a.number), holder_nif=Nif(a.holder_nif), business_name=a.business_name
        ),
        opened_by=_to_person(stored.opened_by),
        channel=Channel(stored.channel),
        opened_at=stored.opened_at,
        classification=Classification(
            case_type=CaseType(stored.case_type),
            subject=stored.subject,
            category=stored.category,
            subcategory=stored.subcategory,
        ),
        affects_current_period=stored.affects_current_period,
        title=stored.title,
        description=stored.description,
        additional_data=tuple(stored.additional_data.items()),
        documents=tuple(_to_document(d) for d in stored.documents),
        substatus=Substatus(stored.substatus),
        substatus_at=stored.substatus_at,
        assignee=_to_person(stored.assignee) if stored.assignee else None,
        history=tuple(_to_history(h) for h in stored.history),
        information=tuple(
            InformationEntry(text=i.text, at=i.at, by=_to_actor(i.by)) for i in stored.information
        ),
        annulment_reason=stored.annulment_reason,
        resolution=_to_resolution(stored.resolution) if stored.resolution else None,
        rating=_to_rating(stored.rating) if stored.rating else None,
        version=stored.version,
    )


def _person(person: Person) -> StoredPerson:
    return StoredPerson(nif=person.nif, name=person.name)


def _to_person(stored: StoredPerson) -> Person:
    return Person(nif=Nif(stored.nif), name=stored.name)


def _actor(actor: Actor) -> StoredActor:
    return StoredActor(kind=v.ActorKind(actor.kind.value), nif=actor.nif, name=actor.name)


def _to_actor(stored: StoredActor) -> Actor:
    return Actor(kind=ActorKind(stored.kind), nif=Nif(stored.nif) if stored.nif else None, name=stored.name)


def _document(d: Document) -> StoredDocument:
    return StoredDocument(
        document_id=d.document_id,
        document_type=d.document_type,
        title=d.title,
        file_name=d.file_name,
        size_bytes=d.size_bytes,
        content_type=d.content_type,
        attached_at=d.attached_at,
        attached_by=_actor(d.attached_by),
        status=v.DocumentStatus(d.status.value),
        sha256=d.sha256,
        rejection_reason=d.rejection_reason,
    )


def _to_document(stored: StoredDocument) -> Document:
    return Document(
        document_id=DocumentId(stored.document_id),
        document_type=stored.document_type,
        title=stored.title,
        file_name=stored.file_name,
        size_bytes=stored.size_bytes,
        content_type=stored.content_type,
        attached_at=stored.attached_at,
        attached_by=_to_actor(stored.attached_by),
        status=DocumentStatus(stored.status),
        sha256=stored.sha256,
        rejection_reason=stored.rejection_reason,
    )


def _history(h: HistoryEntry) -> StoredHistoryEntry:
    return StoredHistoryEntry(
        status=v.Status(h.status.value),
        status_label=h.status.label,
        substatus=v.Substatus(h.substatus.value),
        substatus_label=h.substatus.label,
        at=h.at,
        actor=_actor(h.actor),
        observations=h.observations,
        note=h.note,
    )


def _to_history(stored: StoredHistoryEntry) -> HistoryEntry:
    return HistoryEntry(
        status=Status(stored.status),
        substatus=Substatus(stored.substatus),
        at=stored.at,
        actor=_to_actor(stored.actor),
        observations=stored.observations,
        note=stored.note,
    )


def _resolution(r: Resolution) -> StoredResolution:
    return StoredResolution(answer=r.answer, at=r.at, by=_actor(r.by), document_ids=list(r.documents))


def _to_resolution(stored: StoredResolution) -> Resolution:
    return Resolution(
        answer=stored.answer,
        at=stored.at,
        by=_to_actor(stored.by),
        documents=tuple(DocumentId(i) for i in stored.document_ids),
    )


def _rating(r: Rating) -> StoredRating:
    return StoredRating(score=r.score, observations=r.observations, at=r.at)


def _to_rating(stored: StoredRating) -> Rating:
    return Rating(score=stored.score, observations=stored.observations, at=stored.at)
