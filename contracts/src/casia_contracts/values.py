"""Vocabularies and value objects shared by commands and events.

Enumerations are closed within a ``.v1`` topic: a new member would be refused by existing readers,
so adding one is a breaking change (a new version), unlike adding an optional field.
Identifiers are English; the values of catalog-facing vocabularies (case types, actor kinds,
receipt kinds) are the codes the API and the catalog use.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from pydantic import NonNegativeInt

from casia_contracts.base import AuthorizationNumber, ContractModel, NonBlankStr, Sha256Hex


class Status(StrEnum):
    """Case status (Estado): Abierto / Cerrado."""

    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """As the guide names it for people: «Abierto»."""
        return {Status.OPEN: "Abierto", Status.CLOSED: "Cerrado"}[self]


class Substatus(StrEnum):
    """Case substatus (Subestado). The first six belong to ``open``, the last three to ``closed``."""

    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    ESCALATED = "escalated"
    INFORMATION_REQUESTED = "information_requested"
    RECLASSIFICATION_REQUESTED = "reclassification_requested"
    ANNULMENT_REQUESTED = "annulment_requested"
    RESOLVED = "resolved"
    ANNULLED = "annulled"
    CLOSED_EX_OFFICIO = "closed_ex_officio"

    @property
    def status(self) -> Status:
        closed = {Substatus.RESOLVED, Substatus.ANNULLED, Substatus.CLOSED_EX_OFFICIO}
        return Status.CLOSED if self in closed else Status.OPEN

    @property
    def label(self) -> str:
        """As the guide names it for people: «Solicitada Información»."""
        return _SUBSTATUS_LABELS[self]


# The workflow's pure domain keeps the same words (it imports nothing); a workflow test holds
# the two in step.
_SUBSTATUS_LABELS: Final[Mapping[Substatus, str]] = MappingProxyType(
    {
        Substatus.SUBMITTED: "Presentado",
        Substatus.ASSIGNED: "Asignado",
        Substatus.ESCALATED: "Escalado",
        Substatus.INFORMATION_REQUESTED: "Solicitada Información",
        Substatus.RECLASSIFICATION_REQUESTED: "Solicitada Reclasificación",
        Substatus.ANNULMENT_REQUESTED: "Solicitada Anulación",
        Substatus.RESOLVED: "Resuelto",
        Substatus.ANNULLED: "Anulado",
        Substatus.CLOSED_EX_OFFICIO: "Cerrado de oficio",
    }
)


class CaseType(StrEnum):
    """Case type (Tipo de caso), the top level of the catalog."""

    CONSULTA = "consulta"
    ERROR_INCIDENCIA = "error_incidencia"
    TRAMITE = "tramite"

    @property
    def label(self) -> str:
        """As the guide names it for people: «Error/Incidencia»."""
        return {
            CaseType.CONSULTA: "Consulta",
            CaseType.ERROR_INCIDENCIA: "Error/Incidencia",
            CaseType.TRAMITE: "Trámite",
        }[self]


class Channel(StrEnum):
    """How a case was opened: the web front end or the gateway API used by a program."""

    WEB = "web"
    API = "api"


class ActorKind(StrEnum):
    """Who acted: an autorizado RED, a clerk of the Treasury, or the system itself (timers)."""

    AUTORIZADO = "autorizado"
    TRAMITADOR = "tramitador"
    SYSTEM = "system"


class DocumentStatus(StrEnum):
    """A document is ``pending`` while the documents service checks it, then stored or rejected."""

    PENDING = "pending"
    STORED = "stored"
    REJECTED = "rejected"


class AuthorizationRef(ContractModel):
    """An autorizado RED authorization: its number, the holder's NIF and business name."""

    number: AuthorizationNumber
    holder_nif: NonBlankStr
    business_name: NonBlankStr


class PersonRef(ContractModel):
    """A person as identified by the token: NIF (the ``sub`` claim) and name."""

    nif: NonBlankStr
    name: NonBlankStr


class Actor(ContractModel):
    """Who caused a change. ``nif`` and ``name`` are ``None`` for the system (e.g. a timer)."""

    kind: ActorKind
    nif: NonBlankStr | None = None
    name: NonBlankStr | None = None


class Classification(ContractModel):
    """Where a case sits in the catalog: type > subject > category > subcategory (codes).

    ``subcategory`` is ``None`` when the catalog node has no subcategories.
    """

    case_type: CaseType
    subject: NonBlankStr
    category: NonBlankStr
    subcategory: NonBlankStr | None = None


class ObjectRef(ContractModel):
    """An object in the S3-compatible store. No file bytes ever travel in Kafka: only these."""

    bucket: NonBlankStr
    key: NonBlankStr


class DocumentRef(ContractModel):
    """A document attached to a case, as the case knows it.

    ``document_type`` is a catalog code; ``size_bytes`` and ``content_type`` are the declared ones
    while ``pending`` and the checked ones once ``stored``; ``sha256`` is known once stored.
    ``upload`` is where the uploaded bytes wait in quarantine: set by intake in the command that
    attaches the document, so that the workflow, once it has accepted the document onto the case,
    asks the documents service to store it (``StoreDocument``); events leave it out.
    """

    document_id: NonBlankStr
    document_type: NonBlankStr
    title: NonBlankStr
    file_name: NonBlankStr
    size_bytes: NonNegativeInt
    content_type: NonBlankStr
    sha256: Sha256Hex | None = None
    status: DocumentStatus
    upload: ObjectRef | None = None
