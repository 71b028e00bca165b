"""An authorization's contact e-mail and consent, as intake stores it in ``contacts`` and the
notifier reads it at send time (no address or no consent: the notice is recorded as skipped)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime

from casia_read_models.base import StoredDocumentModel


class StoredContact(StoredDocumentModel):
    COLLECTION: ClassVar[str] = "contacts"
    KEY: ClassVar[str] = "authorization_number"

    authorization_number: str
    email: str | None
    consent: bool
    updated_at: AwareDatetime | None = None
    updated_by: str | None = None
