"""What the gateway's routes work with: the use cases and ports, built once per process."""

from __future__ import annotations

from dataclasses import dataclass

from casia_intake.domain.catalog import Catalog
from casia_intake.service.actions import CaseActions
from casia_intake.service.attachments import Attachments
from casia_intake.service.opening import CaseOpening
from casia_intake.service.ports import CaseReader, ContactStore, Lookup, ObjectReader, ReceiptReader
from casia_intake.service.rate_limit import MovingWindowLimit
from casia_intake.service.search import CaseFinder
from casia_intake.settings import IntakeSettings
from casia_read_models import StoredFile
from casia_runtime.clock import Clock


@dataclass(frozen=True, slots=True, kw_only=True)
class IntakeApp:
    """The gateway's collaborators: the composition root builds one (``bootstrap.build_intake``),
    the routes receive it as a dependency (``entrypoints.dependencies``)."""

    settings: IntakeSettings
    catalog: Catalog
    opening: CaseOpening
    actions: CaseActions
    attachments: Attachments
    cases: CaseReader
    files: Lookup[StoredFile]
    """The documents service's records of the files it stored or refused."""
    receipts: ReceiptReader
    """The receipts service's justificantes (issued ones)."""
    objects: ObjectReader
    finder: CaseFinder
    contacts: ContactStore
    clock: Clock
    verify_limit: MovingWindowLimit
    """How often one client may verify a receipt (the public routes), in this process."""
