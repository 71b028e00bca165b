"""Every notice as the tests check it: the golden event of its type, which of its fields carries
text people typed, and the Spanish the notice must say (in both parts)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, TypeVar

from casia_contracts import case_events as e
from casia_contracts.envelope import RawEvent
from casia_contracts.registry import parse_data

from .messages import golden, new_case_number

HOSTILE = "Ojo <script>alert(\"x\")</script> & 'Cía' Ltd."
"""Typed text that HTML must not take for markup (one line: a title may not hold more)."""
HOSTILE_IN_HTML = "Ojo &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;Cía&#39; Ltd."

E = TypeVar("E", bound=e.CaseEvent)


@dataclass(frozen=True)
class Example:
    template: str
    event_type: str
    typed: str | None
    """The field of the event holding text people typed that the notice shows, if any."""
    says: tuple[str, ...]
    """Spanish the notice says, in the text and in the HTML, whatever people typed."""
    shows: tuple[str, ...] = ()
    """What people typed in the golden event, which the notice shows too."""

    def event(self) -> e.CaseEvent:
        """The golden example of the notice's event type, as the notifier parses it."""
        data = parse_data(RawEvent.model_validate_json(golden(self.event_type).value))
        assert isinstance(data, e.CaseEvent)
        return data

    def with_typed(self, event: E, text: str) -> E:
        """``event`` with ``text`` as what people typed (the notice must have such a field)."""
        assert self.typed is not None
        return event.model_copy(update={self.typed: text})


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


def for_case(event: E, *, authorization: str) -> E:
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
