"""Every notice rendered from its event type's golden example: both parts, in Spanish, with what
people typed escaped in the HTML and exactly as typed in the text."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from casia_contracts import commands as c
from casia_contracts.receipts import ReceiptKind
from casia_contracts.values import Actor, ActorKind, CaseType, Status, Substatus
from casia_notifier.adapters import wording
from casia_notifier.adapters.templates import NoticeRenderer
from casia_notifier.service.notices import TEMPLATES, concerns_the_contact
from casia_notifier.service.ports import NoticeCause, RenderedNotice

from ..notice_examples import (
    EVERY_NOTICE_SAYS,
    EXAMPLES,
    HOSTILE,
    HOSTILE_IN_HTML,
    VERIFY_URL,
    Example,
    shown,
    words,
)
from ..rig import RENDERER

CLERK = Actor(kind=ActorKind.TRAMITADOR, nif="87654321X", name="Juan Pérez Martín")
CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|es\.casia\.")
"""What a code looks like (``information_requested``, ``already_rated``, a CloudEvents type)."""


def render(example: Example, event: NoticeCause | None = None) -> RenderedNotice:
    return RENDERER.render(example.template, event or example.event())


def by_template(template: str) -> Example:
    return next(example for example in EXAMPLES if example.template == template)


def test_there_is_one_example_per_notice() -> None:
    assert [(x.event_type, x.template) for x in EXAMPLES] == list(TEMPLATES.items())


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda x: x.template)
def test_both_parts_name_the_case_and_say_what_the_notice_says(example: Example) -> None:
    event = example.event()

    notice = render(example, event)

    assert notice.subject.startswith("CASIA: ") and event.case_number in notice.subject
    text, html = words(notice.body), shown(notice.html)
    assert f"Número de caso: {event.case_number}" in text
    assert f"Número de caso {event.case_number}" in html
    for phrase in (*example.says, *example.shows, *EVERY_NOTICE_SAYS):
        # casefolded: the text part writes its headings in capitals
        assert phrase.casefold() in text.casefold(), phrase
        assert phrase.casefold() in html.casefold(), phrase


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda x: x.template)
def test_no_part_shows_template_syntax_or_a_code(example: Example) -> None:
    notice = render(example)

    for part in (notice.subject, notice.body, notice.html):
        assert "{{" not in part and "{%" not in part and "{#" not in part
    assert not CODE.findall(notice.body) and not CODE.findall(shown(notice.html))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda x: x.template)
def test_the_html_part_is_one_accessible_document_without_outside_resources(example: Example) -> None:
    notice = render(example)
    html = notice.html

    assert html.startswith('<!DOCTYPE html>\n<html lang="es">')
    assert f"<title>{notice.subject}</title>" in html
    assert html.count("<h1 ") == 1 and "<h2 " in html
    assert '<meta charset="utf-8">' in html
    assert all(link.startswith(VERIFY_URL) for link in re.findall(r'href="([^"]*)"', html))
    for outside in ("<img", "<link", "<script", "<style", "src=", "url(", "http"):
        assert outside not in html.replace(VERIFY_URL, ""), outside


@pytest.mark.parametrize("example", [x for x in EXAMPLES if x.typed], ids=lambda x: x.template)
def test_typed_text_is_escaped_in_html_and_unchanged_in_text(example: Example) -> None:
    notice = render(example, example.with_typed(example.event(), HOSTILE))

    assert HOSTILE in notice.body
    assert "&lt;" not in notice.body and "&amp;" not in notice.body and "&#" not in notice.body
    assert HOSTILE_IN_HTML in notice.html
    assert "<script" not in notice.html and "& " not in notice.html
    assert HOSTILE in shown(notice.html)


@pytest.mark.parametrize("template", ["information_requested", "reclassification_requested", "case_annulled"])
def test_a_message_of_several_lines_keeps_its_lines(template: str) -> None:
    example = by_template(template)

    notice = render(example, example.with_typed(example.event(), "Primera & línea\nSegunda <línea>"))

    assert "\nPrimera & línea\nSegunda <línea>\n" in notice.body
    assert "Primera &amp; línea<br>\nSegunda &lt;línea&gt;" in notice.html


def test_an_automatic_annulment_says_so() -> None:
    notice = render(by_template("case_annulled"))

    assert "automáticamente" in notice.body and "aprobado" not in notice.body
    assert "todavía no había sido atendido" in shown(notice.html)


def test_an_annulment_a_clerk_approved_says_so_with_the_clerks_reason() -> None:
    example = by_template("case_annulled")
    event = example.event().model_copy(update={"automatic": False, "actor": CLERK, "reason": "Procede."})

    notice = render(example, event)

    for part in (words(notice.body), shown(notice.html)):
        assert "ha aprobado su solicitud de anulación" in part
        assert "Observaciones del tramitador: Procede." in part
        assert "automáticamente" not in part


def test_a_request_without_a_deadline_names_no_last_day() -> None:
    example = by_template("information_requested")
    event = example.event().model_copy(update={"deadline": None, "case_type": CaseType.TRAMITE})

    notice = render(example, event)

    for part in (words(notice.body), shown(notice.html)):
        assert "hasta el" not in part and "de oficio" not in part
        assert "quedará a la espera de esa información" in part


def test_the_last_day_is_madrids_day_before_the_deadline() -> None:
    example = by_template("information_requested")
    deadline = datetime(2025, 10, 26, 23, tzinfo=UTC)  # 00:00 on 27 October in Madrid, after DST
    event = example.event().model_copy(update={"deadline": deadline})

    notice = render(example, event)

    assert "hasta el 26/10/2025 (incluido)" in notice.body


def test_a_refusal_of_a_command_without_words_for_it_names_no_request() -> None:
    example = by_template("command_rejected")
    event = example.event().model_copy(update={"command_type": "es.casia.case.command.future"})

    notice = render(example, event)

    assert "Su petición sobre el caso no se ha podido atender" in words(notice.body)
    assert "Su petición sobre el caso no se ha podido atender" in shown(notice.html)


def test_a_clerks_refused_command_is_no_notice_for_the_contact() -> None:
    refused = by_template("command_rejected").event()

    assert concerns_the_contact(refused)
    assert not concerns_the_contact(refused.model_copy(update={"actor": CLERK}))
    assert all(concerns_the_contact(x.event()) for x in EXAMPLES)


def test_a_document_rejected_on_a_closed_case_offers_no_new_attachment() -> None:
    example = by_template("document_rejected")
    event = example.event().model_copy(update={"status": Status.CLOSED, "substatus": Substatus.RESOLVED})

    notice = render(example, event)

    for part in (words(notice.body), shown(notice.html)):
        assert "El caso ya está cerrado y no admite nuevos documentos" in part
        assert "Modificar Información" not in part


def test_a_receipt_of_complementary_documents_is_named_by_its_title() -> None:
    example = by_template("receipt_issued")
    event = example.event().model_copy(update={"kind": ReceiptKind.DOCUMENTACION_COMPLEMENTARIA})

    notice = render(example, event)

    title = "Justificante de documentación complementaria anexada"
    assert notice.subject == f"CASIA: {title} del caso {event.case_number}"
    assert title.upper() in notice.body and f">{title}</h1>" in notice.html
    assert "solicitud de trámite" not in notice.body + notice.html


def test_a_receipt_without_documents_says_it_lists_none() -> None:
    example = by_template("receipt_issued")

    notice = render(example, example.event().model_copy(update={"documents": []}))

    assert "Documentos que recoge: ninguno" in words(notice.body)
    assert "Documentos que recoge Ninguno" in shown(notice.html)


def test_a_receipt_links_under_the_public_base_url_however_it_is_written() -> None:
    example = by_template("receipt_issued")
    renderer = NoticeRenderer(timezone="Europe/Madrid", public_base_url="https://sede.example.es/casia/")

    notice = renderer.render(example.template, example.event())

    page = "https://sede.example.es/casia/v1/receipts/verify/K7QX-2M9P-HT4W-8RZC"
    assert f"{page}\n" in notice.body and f"{page}/pdf\n" in notice.body
    assert f'href="{page}"' in notice.html and f'href="{page}/pdf"' in notice.html


def test_every_code_a_notice_shows_has_spanish_words() -> None:
    assert {wording.case_type_name(t) for t in CaseType} == {"Consulta", "Error/Incidencia", "Trámite"}
    assert wording.state_name(Status.CLOSED, Substatus.CLOSED_EX_OFFICIO) == "Cerrado/Cerrado de oficio"
    assert all(wording.state_name(Status.OPEN, s) for s in Substatus)
    autorizados = (c.OpenCase, c.AddInformation, c.Reclassify, c.RequestAnnulment, c.RateCase)
    assert all(wording.request_name(command.message_type) for command in autorizados)
    assert wording.request_name(c.ResolveCase.message_type) is None
    assert all(wording.receipt_title(kind).startswith("Justificante de ") for kind in ReceiptKind)
