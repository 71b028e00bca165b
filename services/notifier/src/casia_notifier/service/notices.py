"""Which case events become an e-mail, and with which template (seed 4.1.2, 4.2.1, 4.2.2, 4.2.3).

A pure mapping: receipts and other reactions live in their own services.
"""

from __future__ import annotations

from typing import Final

from casia_contracts import case_events as e
from casia_contracts.case_events import CaseEvent
from casia_contracts.values import ActorKind

TEMPLATES: Final[dict[str, str]] = {
    e.CaseOpened.message_type: "case_opened",
    e.InformationRequested.message_type: "information_requested",
    e.ReclassificationRequested.message_type: "reclassification_requested",
    e.CaseAnnulled.message_type: "case_annulled",
    e.AnnulmentRejected.message_type: "annulment_rejected",
    e.CaseResolved.message_type: "case_resolved",
    e.CaseClosedExOfficio.message_type: "case_closed_ex_officio",
    e.CommandRejected.message_type: "command_rejected",
}
"""CloudEvents type of a case event → the notice template sent to the authorization's contact."""


def template_for(event_type: str) -> str | None:
    return TEMPLATES.get(event_type)


def concerns_the_contact(event: CaseEvent) -> bool:
    """Whether an event of a type in TEMPLATES is news for the authorization's contact.

    Every such event is, except the refusal of a command the autorizado did not give: a clerk's
    refused command changed nothing and is the clerk's to see, not the autorizado's.
    """
    if isinstance(event, e.CommandRejected):
        return event.actor.kind == ActorKind.AUTORIZADO
    return True
