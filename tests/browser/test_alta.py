"""Nuevo Caso in a real Chromium: each case type opened on a node that asks for additional data
(the trámite with a document, its justificante downloaded as a PDF), the API's refusal of a CCC
shown next to the field with what was typed kept, and the whole alta done with the keyboard."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import expect

from casia_uploads.testing import pdf

from .conftest import Screens
from .journeys import attach, classify, fill_data, open_case, reload_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CONSULTA_RLC = (
    ("case_type", "Consulta"),
    ("subject", "Cotización"),
    ("category", "Liquidación directa (SLD)"),
    ("subcategory", "Recibos de liquidación (RLC)"),
)
INCIDENCIA_INSCRIPCION = (
    ("case_type", "Error/Incidencia"),
    ("subject", "Afiliación"),
    ("category", "Inscripción de empresa / CCC"),
)
TRAMITE_BAJA = (
    ("case_type", "Trámite"),
    ("subject", "Afiliación"),
    ("category", "Altas y Bajas"),
    ("subcategory", "Bajas trabajadores cuenta ajena"),
)
CCC, NAF, NIF, PERIOD = "28/1234567/42", "28 12345678 40", "12345678Z", "2026-01"
WRONG_CCC = "28/1234567/43"


async def test_each_case_type_opens_with_the_data_its_node_requires(autorizado: Screens) -> None:
    page = autorizado.page
    await classify(autorizado, *CONSULTA_RLC)
    await autorizado.shot("consulta-clasificada")
    await open_case(autorizado, title="Importe del RLC de enero", data={"ccc": CCC, "period": PERIOD})
    await autorizado.shot("consulta-alta-confirmada")

    await classify(autorizado, *INCIDENCIA_INSCRIPCION)
    await autorizado.shot("incidencia-clasificada")
    await open_case(autorizado, title="La inscripción no aparece", data={"nif": NIF})
    await autorizado.shot("incidencia-alta-confirmada")

    await classify(autorizado, *TRAMITE_BAJA)
    await attach(page, 0, document_type="Solicitud firmada", title="Solicitud de baja", pdf=pdf())
    await autorizado.shot("tramite-con-documento")
    baja = {"ccc": CCC, "naf": NAF, "date": "2026-01-28"}
    number = await open_case(autorizado, title="Baja de un trabajador", data=baja)
    await expect(page.get_by_text("Justificante de solicitud de trámite")).to_be_visible()
    await autorizado.shot("tramite-alta-confirmada")

    await page.get_by_role("link", name="Ver el caso").click()
    await expect(page.get_by_role("heading", name=f"Caso {number}")).to_be_visible()
    facts = page.locator("table.facts")
    await expect(facts).to_contain_text(
        "Trámite > Afiliación > Altas y Bajas > Bajas trabajadores cuenta ajena"
    )
    await expect(facts.get_by_role("row", name="Código Cuenta de Cotización")).to_contain_text("28123456742")
    await expect(facts.get_by_role("row", name="Fecha de efectos")).to_contain_text("2026-01-28")
    documents = page.locator("table", has=page.get_by_role("columnheader", name="Tipo"))
    await expect(documents.get_by_role("row", name="Solicitud de baja")).to_contain_text("Solicitud firmada")
    await reload_until(page, documents.get_by_role("link", name="solicitud-de-baja.pdf"))  # checked
    receipt = page.get_by_role("link", name="Justificante de solicitud de trámite")
    await reload_until(page, receipt)
    await autorizado.shot("tramite-detalle-con-justificante")

    async with page.expect_download() as downloading:
        await receipt.click()
    download = await downloading.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    saved = await asyncio.to_thread(Path(await download.path()).read_bytes)
    assert saved.startswith(b"%PDF-")


async def test_a_wrong_ccc_shows_the_apis_message_next_to_the_field(autorizado: Screens) -> None:
    page = autorizado.page
    await classify(autorizado, *TRAMITE_BAJA)
    ccc = page.locator("#data_ccc")
    await ccc.fill("28/12345A7/42")
    assert await ccc.evaluate("input => input.validity.patternMismatch"), "the browser's check is off"
    await fill_data(page, {"ccc": WRONG_CCC, "naf": NAF, "date": "2026-01-28"})
    await page.get_by_label("Sí", exact=True).check()
    await page.fill("#title", "Baja con un CCC equivocado")
    await page.fill("#description", "El CCC lleva mal los dígitos de control.")
    async with page.expect_response(lambda r: r.request.method == "POST") as answered:
        await page.get_by_role("button", name="Finalizar Alta").click()
    assert (await answered.value).status == 422

    message = page.locator("#ccc-error")
    await expect(message).to_contain_text("código de cuenta de cotización")
    await expect(message).to_have_class("field-error")
    assert await ccc.evaluate("input => input.previousElementSibling.id") == "ccc-error"
    await expect(ccc).to_have_attribute("aria-invalid", "true")
    await expect(ccc).to_have_attribute("aria-describedby", "ccc-error")
    await expect(page.get_by_role("alert")).to_contain_text("Revise los campos señalados")
    await expect(ccc).to_have_value(WRONG_CCC)
    await expect(page.locator("#data_naf")).to_have_value(NAF)
    await expect(page.locator("#data_date")).to_have_value("2026-01-28")
    await expect(page.get_by_label("Sí", exact=True)).to_be_checked()
    await expect(page.locator("#title")).to_have_value("Baja con un CCC equivocado")
    await expect(page.locator("#description")).to_have_value("El CCC lleva mal los dígitos de control.")
    await expect(page.locator("#subcategory")).to_have_value("bajas_trabajadores_cuenta_ajena")
    await autorizado.shot("ccc-rechazado")

    await autorizado.goto("/portal/casos?status=all")
    await expect(page.get_by_text("No hay casos que cumplan los criterios de búsqueda.")).to_be_visible()
    await autorizado.shot("ningun-caso-abierto")


async def test_keyboard_reaches_every_field_of_the_alta(autorizado: Screens) -> None:
    page = autorizado.page
    await classify(autorizado, *TRAMITE_BAJA)
    typed = {
        "data_ccc": CCC,
        "data_naf": NAF,
        "title": "Baja dada con el teclado",
        "description": "Alta del caso sin usar el ratón.",
    }
    reached: list[str] = []
    while "Finalizar Alta" not in reached:
        assert len(reached) < 60, f"Finalizar Alta not reached after: {reached}"
        await page.keyboard.press("Tab")
        name, outline = await page.evaluate(FOCUSED)
        assert outline != "none", f"{name}: no visible outline when focused"
        reached.append(name)
        if name in typed:
            await page.keyboard.type(typed[name])
        if name == "title":
            await autorizado.shot("foco-en-titulo")
    assert {"title", "description"} <= set(reached), reached
    await autorizado.shot("foco-en-finalizar-alta")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Alta Confirmada")).to_be_visible()
    await autorizado.shot("alta-confirmada-con-el-teclado")


FOCUSED = """() => {
  const e = document.activeElement;
  const name = e.id || e.name || e.textContent.trim();
  // A stop inside a control's own parts (the date field's calendar button) leaves the field
  // itself unfocused: Chromium draws that ring, the page's CSS cannot.
  return [name, e.matches(":focus") ? getComputedStyle(e).outlineStyle : "native"];
}"""
