"""The stored shape of a case in MongoDB's ``cases`` collection, and the way back.

The document is also the read model intake serves (API.md case detail), so it carries the
Spanish labels of status and substatus next to their identifiers, and ``closure_due_at`` for the
automatic-closure timer's index.
"""

from __future__ import annotations

from typing import Any

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
)

Doc = dict[str, Any]


def to_document(case: Case) -> Doc:
    c = case.classification
    return {
        "_id": case.number,
        "case_number": case.number,
        "authorization": {
            "number": case.authorization.number,
            "holder_nif": case.authorization.holder_nif,
            "business_name": case.authorization.business_name,
        },
        "opened_by": _person(case.opened_by),
        "channel": case.channel.value,
        "opened_at": case.opened_at,
        "case_type": c.case_type.value,
        "subject": c.subject,
        "category": c.category,
        "subcategory": c.subcategory,
        "affects_current_period": case.affects_current_period,
        "title": case.title,
        "description": case.description,
        "additional_data": dict(case.additional_data),
        "documents": [_document(d) for d in case.documents],
        "status": case.status.value,
        "status_label": case.status.label,
        "substatus": case.substatus.value,
        "substatus_label": case.substatus.label,
        "substatus_at": case.substatus_at,
        "assignee": _person(case.assignee) if case.assignee else None,
        "history": [_history(h) for h in case.history],
        "information": [{"text": i.text, "at": i.at, "by": _actor(i.by)} for i in case.information],
        "annulment_reason": case.annulment_reason,
        "resolution": _resolution(case.resolution) if case.resolution else None,
        "rating": (
            {"score": case.rating.score, "observations": case.rating.observations, "at": case.rating.at}
            if case.rating
            else None
        ),
        "closure_due_at": information_deadline(case),
        "version": case.version,
    }


def from_document(doc: Doc) -> Case:
    return Case(
        number=CaseNumber(doc["case_number"]),
        authorization=Authorization(
            number=AuthorizationNumber(doc["authorization"]["number"]),
            holder_nif=Nif(doc["authorization"]["holder_nif"]),
            business_name=doc["authorization"]["business_name"],
        ),
        opened_by=_to_person(doc["opened_by"]),
        channel=Channel(doc["channel"]),
        opened_at=doc["opened_at"],
        classification=Classification(
            case_type=CaseType(doc["case_type"]),
            subject=doc["subject"],
            category=doc["category"],
            subcategory=doc["subcategory"],
        ),
        affects_current_period=doc["affects_current_period"],
        title=doc["title"],
        description=doc["description"],
        additional_data=tuple(doc["additional_data"].items()),
        documents=tuple(_to_document(d) for d in doc["documents"]),
        substatus=Substatus(doc["substatus"]),
        substatus_at=doc["substatus_at"],
        assignee=_to_person(doc["assignee"]) if doc["assignee"] else None,
        history=tuple(_to_history(h) for h in doc["history"]),
        information=tuple(
            InformationEntry(text=i["text"], at=i["at"], by=_to_actor(i["by"])) for i in doc["information"]
        ),
        annulment_reason=doc["annulment_reason"],
        resolution=_to_resolution(doc["resolution"]) if doc["resolution"] else None,
        rating=(
            Rating(
                score=doc["rating"]["score"],
                observations=doc["rating"]["observations"],
                at=doc["rating"]["at"],
            )
            if doc["rating"]
            else None
        ),
        version=doc["version"],
    )


def _person(person: Person) -> Doc:
    return {"nif": person.nif, "name": person.name}


def _to_person(doc: Doc) -> Person:
    return Person(nif=Nif(doc["nif"]), name=doc["name"])


def _actor(actor: Actor) -> Doc:
    return {"kind": actor.kind.value, "nif": actor.nif, "name": actor.name}


def _to_actor(doc: Doc) -> Actor:
    nif = doc.get("nif")
    return Actor(kind=ActorKind(doc["kind"]), nif=Nif(nif) if nif else None, name=doc.get("name"))


def _document(d: Document) -> Doc:
    return {
        "document_id": d.document_id,
        "document_type": d.document_type,
        "title": d.title,
        "file_name": d.file_name,
        "size_bytes": d.size_bytes,
        "content_type": d.content_type,
        "attached_at": d.attached_at,
        "attached_by": _actor(d.attached_by),
        "status": d.status.value,
        "sha256": d.sha256,
        "rejection_reason": d.rejection_reason,
    }


def _to_document(doc: Doc) -> Document:
    return Document(
        document_id=DocumentId(doc["document_id"]),
        document_type=doc["document_type"],
        title=doc["title"],
        file_name=doc["file_name"],
        size_bytes=doc["size_bytes"],
        content_type=doc["content_type"],
        attached_at=doc["attached_at"],
        attached_by=_to_actor(doc["attached_by"]),
        status=DocumentStatus(doc["status"]),
        sha256=doc["sha256"],
        rejection_reason=doc["rejection_reason"],
    )


def _history(h: HistoryEntry) -> Doc:
    return {
        "status": h.status.value,
        "status_label": h.status.label,
        "substatus": h.substatus.value,
        "substatus_label": h.substatus.label,
        "at": h.at,
        "actor": _actor(h.actor),
        "observations": h.observations,
    }


def _to_history(doc: Doc) -> HistoryEntry:
    return HistoryEntry(
        status=Status(doc["status"]),
        substatus=Substatus(doc["substatus"]),
        at=doc["at"],
        actor=_to_actor(doc["actor"]),
        observations=doc["observations"],
    )


def _resolution(r: Resolution) -> Doc:
    return {"answer": r.answer, "document_ids": list(r.documents), "at": r.at, "by": _actor(r.by)}


def _to_resolution(doc: Doc) -> Resolution:
    return Resolution(
        answer=doc["answer"],
        at=doc["at"],
        by=_to_actor(doc["by"]),
        documents=tuple(DocumentId(i) for i in doc["document_ids"]),
    )
