"""Every notice as the tests check it: the golden event of its type, which of its fields carries
text people typed, and the Spanish the notice must say (in both parts)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, TypeVar

from casia_contracts import case_events as e
from casia_contracts import receipts as r
from casia_contracts.envelope import RawEvent
from casia_contracts.registry import parse_data
from casia_notifier.service.ports import NoticeCause

from .messages import golden, new_case_number
from .rig import PUBLIC_BASE_URL

HOSTILE = "Ojo <script>alert(\"x\")</script> & 'Cía' Ltd."
"""Typed text that HTML must not take for markup (one line: a title may not hold more)."""
HOSTILE_IN_HTML = "Ojo &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;Cía&#39; Ltd."

E = TypeVar("E", bound=NoticeCause)

VERIFY_URL = f"{PUBLIC_BASE_URL}/v1/receipts/verify/"
"""Where receipt notices link to (the golden receipt's CEA after it): the one address a notice
may name, a link to follow, never a resource the mail loads."""


@dataclass(frozen=True)
class Example:
    template: str
    event_type: str
    typed: str | None
    """The field of the event holding text people typed that the notice shows, if any: a name,
    or a dotted path into lists and models (``documents.0.title``)."""
    says: tuple[str, ...]
    """Spanish the notice says, in the text and in the HTML, whatever people typed."""
    shows: tuple[str, ...] = ()
    """What people typed in the golden event, which the notice shows too."""

    def event(self) -> NoticeCause:
        """The golden example of the notice's event type, as the notifier parses it."""
        data = parse_data(RawEvent.model_validate_json(golden(self.event_type).value))
        assert isinstance(data, NoticeCause)
        return data

    def with_typed(self, event: E, text: str) -> E:
        """``event`` with ``text`` as what people typed (the notice must have such a field)."""
        assert self.typed is not None
        changed: E = _replaced(event, self.typed.split("."), text)
        return changed


def _replaced(value: Any, path: list[str], text: str) -> Any:
    """``value`` with ``text`` at ``path`` (field names and list indexes), copied, not changed."""
    if not path:
        return text
    step, *rest = path
    if isinstance(value, list):
        index = int(step)
        return [*value[:index], _replaced(value[index], rest, text), *value[index + 1 :]]
    return value.model_copy(update={step: _replaced(getattr(value, step), rest, text)})


EXAMPLES: tuple[Example, ...] = (
    Example(
        "case_opened",
        e.CaseOpened.message_type,
        "title",
        (
            "Alta confirmada",
            "Se le ha asignado el número de caso",
            "10/03/2025 10:15:00 (hora peninsular)",
            "Trámite",
            "Carta de baja voluntaria (baja.pdf)",
            "«Gestión de Casos» > «Modificar Información»",
            "no abra un caso nuevo",
        ),
        ("Baja de trabajador no tramitada",),
    ),
    Example(
        "information_requested",
        e.InformationRequested.message_type,
        "message",
        (
            "Información solicitada",
            "Esto es lo que le solicita:",
            "hasta el 31/03/2025 (incluido)",
            "20 días naturales, el caso se cerrará de oficio",
            "«Modificar Información»",
        ),
        ("Indique el mensaje de error completo que muestra el Sistema RED.",),
    ),
    Example(
        "reclassification_requested",
        e.ReclassificationRequested.message_type,
        "message",
        (
            "Reclasificación solicitada",
            "modifique la catalogación de su caso",
            "Sus indicaciones:",
        ),
        ("La solicitud corresponde a un alta, no a una baja: reclasifique el caso.",),
    ),
    Example(
        "case_annulled",
        e.CaseAnnulled.message_type,
        "reason",
        ("Caso anulado", "se ha aplicado automáticamente", "Motivo que usted indicó:"),
        ("Consulta duplicada.",),
    ),
    Example(
        "annulment_rejected",
        e.AnnulmentRejected.message_type,
        "reason",
        (
            "Anulación rechazada",
            "ha rechazado su solicitud de anulación",
            "seguirá siendo tramitado",
            "Motivos del rechazo:",
            "Abierto/Asignado",
        ),
        ("La baja no consta tramitada en el Sistema RED.",),
    ),
    Example(
        "case_resolved",
        e.CaseResolved.message_type,
        None,
        (
            "Caso resuelto",
            "Cerrado/Resuelto",
            "Lea la respuesta en el histórico del caso",
            "«Consulta Histórico»",
            "valorar la atención recibida, de 1 (la peor valoración) a 5 (la mejor)",
        ),
    ),
    Example(
        "case_closed_ex_officio",
        e.CaseClosedExOfficio.message_type,
        None,
        (
            "Caso cerrado de oficio",
            "han transcurrido 20 días naturales sin que la aportara",
            "dé de alta un caso nuevo",
        ),
    ),
    Example(
        "command_rejected",
        e.CommandRejected.message_type,
        "reason",
        (
            "Petición no atendida",
            "Su petición de valorar la atención recibida no se ha podido atender",
            "el caso sigue como estaba",
            "Motivo:",
        ),
        ("El caso ya fue valorado.",),
    ),
    Example(
        "document_rejected",
        e.CaseDocumentRejected.message_type,
        "reason",
        (
            "Documento no aceptado",
            "no se ha podido aceptar",
            "Motivo:",
            "Abierto/Asignado",
            "Mientras el caso siga abierto, puede anexar de nuevo el documento",
            "«Gestión de Casos» > «Modificar Información»",
        ),
        ("El archivo declarado como PDF no es un PDF.",),
    ),
    Example(
        "receipt_issued",
        r.ReceiptIssued.message_type,
        "documents.0.title",
        (
            "Justificante de solicitud de trámite",
            "Se ha emitido el justificante de su caso el 10/03/2025 10:15:05 (hora peninsular)",
            "Código Electrónico de Autenticidad (CEA)",
            "K7QX-2M9P-HT4W-8RZC",
            "Huella SHA-256 del PDF",
            "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9",
            "Huella SHA-256: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
            f"Verificar el justificante: {VERIFY_URL}K7QX-2M9P-HT4W-8RZC",
            f"Descargar el PDF: {VERIFY_URL}K7QX-2M9P-HT4W-8RZC/pdf",
            "no va adjunto a este correo",
        ),
        ("Carta de baja voluntaria (baja.pdf)",),
    ),
)
"""One per notice, in the order of TEMPLATES."""

EVERY_NOTICE_SAYS = (
    "Seguridad Social — Tesorería General",
    "Servicio de Atención al Autorizado RED (CASIA)",
    "«Gestión de Casos»",
    "nunca por correo electrónico",
    "mensaje automático",
    "no responda a este correo",
)


def for_case(event: NoticeCause, *, authorization: str) -> NoticeCause:
    """``event`` about a new case of ``authorization``: each test makes its own."""
    update: dict[str, Any] = {"case_number": new_case_number(), "authorization_number": authorization}
    if isinstance(event, e.CaseOpened):
        update["authorization"] = event.authorization.model_copy(update={"number": authorization})
    return event.model_copy(update=update)


def words(text: str) -> str:
    """``text`` with every run of whitespace as one space (the text part wraps its lines)."""
    return " ".join(text.split())


def shown(html: str) -> str:
    """What an HTML part shows, as :func:`words`: the text of its body, references resolved."""

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.in_head = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.in_head = self.in_head or tag == "head"
            if tag in {"p", "br", "tr", "td", "th", "li", "h1", "h2", "span", "blockquote"}:
                self.parts.append(" ")

        def handle_endtag(self, tag: str) -> None:
            self.in_head = self.in_head and tag != "head"

        def handle_data(self, data: str) -> None:
            if not self.in_head:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return words("".join(parser.parts))
