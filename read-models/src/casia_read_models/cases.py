"""The case as the workflow stores it in ``cases`` and intake serves it (API.md case detail).

The workflow (sole writer) builds it from its domain case; intake reads it. It carries the
Spanish labels of status and substatus next to their identifiers, and ``closure_due_at`` for the
automatic-closure timer's index. A resolution names its documents by id: they are among the
case's ``documents``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final, Literal, NamedTuple

from pydantic import AwareDatetime, Field

from casia_contracts.values import ActorKind, CaseType, Channel, DocumentStatus, Status, Substatus
from casia_read_models.base import Stored, StoredDocumentModel


class StoredPerson(Stored):
    nif: str
    name: str


class StoredActor(Stored):
    """An autorizado, a clerk, or the system (no NIF, no name)."""

    kind: ActorKind
    nif: str | None = None
    name: str | None = None


class StoredAuthorization(Stored):
    number: str
    holder_nif: str
    business_name: str


class StoredDocument(Stored):
    document_id: str
    document_type: str
    title: str
    file_name: str
    size_bytes: int
    content_type: str
    attached_at: AwareDatetime
    attached_by: StoredActor
    status: DocumentStatus
    sha256: str | None = None
    rejection_reason: str | None = None


class StoredHistoryEntry(Stored):
    status: Status
    status_label: str
    substatus: Substatus
    substatus_label: str
    at: AwareDatetime
    actor: StoredActor
    observations: str
    """For everyone who may read the case."""
    note: str | None = None
    """For clerks only: never shown to the autorizado."""


class StoredInformation(Stored):
    text: str
    at: AwareDatetime
    by: StoredActor


class StoredResolution(Stored):
    answer: str
    at: AwareDatetime
    by: StoredActor
    document_ids: list[str]
    """Ids among the case's ``documents``."""


class StoredRating(Stored):
    score: int
    observations: str
    at: AwareDatetime


class StoredCase(StoredDocumentModel):
    COLLECTION: ClassVar[str] = "cases"
    KEY: ClassVar[str] = "case_number"

    case_number: str
    authorization: StoredAuthorization
    opened_by: StoredPerson
    channel: Channel
    opened_at: AwareDatetime
    case_type: CaseType
    subject: str
    category: str
    subcategory: str | None
    affects_current_period: bool
    title: str
    description: str
    additional_data: dict[str, str]
    documents: list[StoredDocument]
    status: Status
    status_label: str
    substatus: Substatus
    substatus_label: str
    substatus_at: AwareDatetime
    assignee: StoredPerson | None
    history: list[StoredHistoryEntry]
    information: list[StoredInformation]
    annulment_reason: str | None
    resolution: StoredResolution | None
    rating: StoredRating | None
    closure_due_at: AwareDatetime | None
    """When the automatic closure is due (None when it never will as the case stands)."""
    allowed_actions: list[str] = Field(default_factory=list)
    """What people may ask of the case as it stands (the workflow's table and rules), e.g.
    ``rate`` once closed and not rated: the gateway refuses anything else at once, and screens
    offer only these. The workflow still decides: the case may move on meanwhile."""
    version: int

    def resolution_documents(self) -> list[StoredDocument]:
        """The documents the resolution names, in the order they were attached."""
        named = set(self.resolution.document_ids) if self.resolution else set()
        return [document for document in self.documents if document.document_id in named]


# --- Indexes of ``cases`` ------------------------------------------------------------------------
# Plain data, defined once: the workflow (sole writer) creates exactly these; intake's tests and
# the benchmark create the same ones. Every case write updates each index whose key changed (a
# transition: the three queue indexes, whose keys hold ``substatus``), so each one below must earn
# its place; the figures at a million cases are in bench/README.md.


class IndexSpec(NamedTuple):
    """One index: its name, its key pattern ``(field, 1 | -1)`` in order, and create options."""

    name: str
    keys: tuple[tuple[str, Literal[1, -1]], ...]
    options: Mapping[str, Any]


_QUEUE_ORDER: Final[tuple[tuple[str, Literal[1, -1]], ...]] = (
    ("affects_current_period", -1),
    ("opened_at", 1),
    ("_id", 1),
)
"""The work queue's order (urgent first, then oldest, then number): the tail of every queue index."""

CASE_INDEXES: Final[tuple[IndexSpec, ...]] = (
    # The closure timer's work list: only cases whose 20 days run (partial, so it stays tiny). A
    # query uses it only if it implies the partial filter: ``{"$type": "date", "$lte": now}``.
    IndexSpec(
        "closure_due",
        (("closure_due_at", 1),),
        {"partialFilterExpression": {"closure_due_at": {"$type": "date"}}},
    ),
    # Search (guide 4.2, Opción 2): equality on the authorization, then the newest-first order,
    # whose first field is also the month's range. The other filters stay residual: one
    # authorization's month holds a few dozen cases at most.
    IndexSpec("search_by_authorization", (("authorization.number", 1), ("opened_at", -1), ("_id", -1)), {}),
    # The work queue. ``substatus`` is always an equality or a short $in (a status is the set of
    # its substatuses), so MongoDB merges the sorted runs (SORT_MERGE) instead of sorting.
    IndexSpec("queue_by_substatus", (("substatus", 1), *_QUEUE_ORDER), {}),
    # A clerk's own queue: on the substatus index, a page would fetch every open case of the
    # other 149 clerks on the way (~9,400 documents, 330 ms at a million cases, against 51).
    IndexSpec("queue_by_assignee", (("assignee.nif", 1), ("substatus", 1), *_QUEUE_ORDER), {}),
    # A team's queue by subject (materia): on the substatus index, a page of a small subject
    # would fetch the other subjects' open cases on the way (~1,100 documents, 25 ms, against 51).
    IndexSpec("queue_by_subject", (("subject", 1), ("substatus", 1), *_QUEUE_ORDER), {}),
)
"""The indexes of ``cases`` besides ``_id``."""

OBSOLETE_CASE_INDEXES: Final[tuple[str, ...]] = ("by_authorization_opened", "work_queue")
"""Indexes earlier versions created, replaced by :data:`CASE_INDEXES`; dropped when present."""
