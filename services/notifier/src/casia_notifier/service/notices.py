"""Which case events become an e-mail, and with which template (seed 4.1.2, 4.2.1, 4.2.2, 4.2.3).

A pure mapping: receipts and other reactions live in their own services.
"""

from __future__ import annotations

from typing import Final

from casia_contracts import case_events as e

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
