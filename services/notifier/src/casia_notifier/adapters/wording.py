"""The Spanish words notices use for the codes case events carry, so no e-mail shows a code.

Case types and states are named as the CASIA service of the Sistema RED shows them (seed 4.2:
«Abierto/Presentado», «Cerrado/Anulado»); a refused command is named by what the autorizado
asked for; a receipt by the title printed on it. The templates get these functions as globals
(:mod:`casia_notifier.adapters.templates`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from casia_contracts import commands as c
from casia_contracts.receipts import ReceiptKind
from casia_contracts.values import CaseType, Status, Substatus

REQUESTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        c.OpenCase.message_type: "dar de alta el caso",
        c.AddInformation.message_type: "aportar información o documentación al caso",
        c.Reclassify.message_type: "modificar la catalogación del caso",
        c.RequestAnnulment.message_type: "solicitar la anulación del caso",
        c.RateCase.message_type: "valorar la atención recibida",
    }
)
"""The autorizado's commands → what was asked, to follow «Su petición de …»."""

RECEIPT_TITLES: Final[Mapping[ReceiptKind, str]] = MappingProxyType(
    {
        ReceiptKind.SOLICITUD_TRAMITE: "Justificante de solicitud de trámite",
        ReceiptKind.DOCUMENTACION_COMPLEMENTARIA: "Justificante de documentación complementaria anexada",
    }
)
"""Each kind of receipt → the title the receipts service prints on it."""


def case_type_name(code: str) -> str:
    """«Trámite» for ``tramite``; raises ValueError for a type the contracts do not know."""
    return CaseType(code).label


def state_name(status: str, substatus: str) -> str:
    """«Abierto/Presentado» for ``open``/``submitted``; raises ValueError for an unknown code."""
    return f"{Status(status).label}/{Substatus(substatus).label}"


def request_name(command_type: str) -> str | None:
    """What the command of ``command_type`` asked for (e.g. «valorar la atención recibida»), or
    None for a command the autorizado does not give: the notice then names no request."""
    return REQUESTS.get(command_type)


def receipt_title(kind: str) -> str:
    """«Justificante de solicitud de trámite» for ``solicitud_tramite``; raises ValueError for a
    kind the contracts do not know."""
    return RECEIPT_TITLES[ReceiptKind(kind)]
