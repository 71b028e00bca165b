"""Contract commands (casia_contracts) become domain commands: the anti-corruption edge.

Opening is separate (:func:`opening_command`) because it creates the case rather than change one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from casia_contracts import commands as c
from casia_contracts import values as v
from casia_workflow import domain as d

ToDomain = Callable[[Any, d.Actor], d.CaseCommand]


def person(ref: v.PersonRef) -> d.Person:
    return d.Person(nif=d.Nif(ref.nif), name=ref.name)


def classification(ref: v.Classification) -> d.Classification:
    return d.Classification(
        case_type=d.CaseType(ref.case_type.value),
        subject=ref.subject,
        category=ref.category,
        subcategory=ref.subcategory,
    )


def new_documents(refs: Sequence[v.DocumentRef]) -> tuple[d.NewDocument, ...]:
    return tuple(
        d.NewDocument(
            document_id=d.DocumentId(r.document_id),
            document_type=r.document_type,
            title=r.title,
            file_name=r.file_name,
            size_bytes=r.size_bytes,
            content_type=r.content_type,
        )
        for r in refs
    )


def opening_command(command: c.OpenCase) -> d.OpenCase:
    a = command.authorization
    return d.OpenCase(
        number=d.CaseNumber(command.case_number),
        authorization=d.Authorization(
            number=d.AuthorizationNumber(a.number),
            holder_nif=d.Nif(a.holder_nif),
            business_name=a.business_name,
        ),
        opened_by=person(command.opened_by),
        channel=d.Channel(command.channel.value),
        classification=classification(command.classification),
        affects_current_period=command.affects_current_period,
        title=command.title,
        description=command.description,
        additional_data=d.additional_data(command.additional_data),
        documents=new_documents(command.documents),
    )


def actor_of(command: c.PersonCommand) -> d.Actor:
    """The autorizado or the clerk who gives the command."""
    by = person(command.by)
    return d.Actor.autorizado(by) if type(command) in _AUTORIZADO else d.Actor.clerk(by)


def case_command(command: c.PersonCommand) -> d.CaseCommand:
    """The domain command for a contract command on an existing case (not OpenCase)."""
    translate = _TRANSLATIONS[type(command)]
    return translate(command, actor_of(command))


def _decide_annulment(cmd: c.DecideAnnulment, actor: d.Actor) -> d.CaseCommand:
    number = d.CaseNumber(cmd.case_number)
    if cmd.approve:
        return d.ApproveAnnulment(case_number=number, actor=actor, observations=cmd.reason)
    return d.RejectAnnulment(case_number=number, actor=actor, reason=cmd.reason)


def _assign(cmd: c.AssignCase, actor: d.Actor) -> d.CaseCommand:
    """To the named clerk, or to the clerk who gives the command."""
    assignee = person(cmd.assignee or cmd.by)
    return d.Assign(case_number=d.CaseNumber(cmd.case_number), actor=actor, assignee=assignee)


_AUTORIZADO = frozenset({c.AddInformation, c.Reclassify, c.RequestAnnulment, c.RateCase})

_TRANSLATIONS: dict[type[c.PersonCommand], ToDomain] = {
    c.AddInformation: lambda cmd, actor: d.AddInformation(
        case_number=cmd.case_number, actor=actor, text=cmd.text or "", documents=new_documents(cmd.documents)
    ),
    c.Reclassify: lambda cmd, actor: d.Reclassify(
        case_number=cmd.case_number,
        actor=actor,
        classification=classification(cmd.classification),
        additional_data=None if cmd.additional_data is None else d.additional_data(cmd.additional_data),
    ),
    c.RequestAnnulment: lambda cmd, actor: d.RequestAnnulment(
        case_number=cmd.case_number, actor=actor, reason=cmd.reason
    ),
    c.RateCase: lambda cmd, actor: d.Rate(
        case_number=cmd.case_number, actor=actor, score=cmd.score, observations=cmd.observations or ""
    ),
    c.AssignCase: _assign,
    c.EscalateCase: lambda cmd, actor: d.Escalate(
        case_number=cmd.case_number, actor=actor, observations=cmd.observations
    ),
    c.RequestInformation: lambda cmd, actor: d.RequestInformation(
        case_number=cmd.case_number, actor=actor, message=cmd.message, documents=new_documents(cmd.documents)
    ),
    c.RequestReclassification: lambda cmd, actor: d.RequestReclassification(
        case_number=cmd.case_number, actor=actor, message=cmd.message
    ),
    c.DecideAnnulment: _decide_annulment,
    c.ResolveCase: lambda cmd, actor: d.Resolve(
        case_number=cmd.case_number, actor=actor, answer=cmd.answer, documents=new_documents(cmd.documents)
    ),
}
