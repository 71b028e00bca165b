"""Which events become an e-mail, and with which template (seed 4.1.2, 4.2.1, 4.2.2, 4.2.3).

A pure mapping over the public case events (from the workflow) and the receipts issued (from the
receipts service): the receipt itself is made and stored there; the notice only announces it.
"""

from __future__ import annotations

from typing import Final

from casia_contracts import case_events as e
from casia_contracts import receipts as r
from casia_contracts.values import ActorKind
from casia_notifier.service.ports import NoticeCause

TEMPLATES: Final[dict[str, str]] = {
    e.CaseOpened.message_type: "case_opened",
    e.InformationRequested.message_type: "information_requested",
    e.ReclassificationRequested.message_type: "reclassification_requested",
    e.CaseAnnulled.message_type: "case_annulled",
    e.AnnulmentRejected.message_type: "annulment_rejected",
    e.CaseResolved.message_type: "case_resolved",
    e.CaseClosedExOfficio.message_type: "case_closed_ex_officio",
    e.CommandRejected.message_type: "command_rejected",
    e.CaseDocumentRejected.message_type: "document_rejected",
    r.ReceiptIssued.message_type: "receipt_issued",
}
"""CloudEvents type of an event → the notice template sent to the authorization's contact."""


def template_for(event_type: str) -> str | None:
    return TEMPLATES.get(event_type)


def concerns_the_contact(event: NoticeCause) -> bool:
    """Whether an event of a type in TEMPLATES is news for the authorization's contact.

    Every such event is, except the refusal of a command the autorizado did not give: a clerk's
    refused command changed nothing and is the clerk's to see, not the autorizado's. A rejected
    document always is: the autorizado hears of every document the service refuses.
    """
    if isinstance(event, e.CommandRejected):
        return event.actor.kind == ActorKind.AUTORIZADO
    return True
