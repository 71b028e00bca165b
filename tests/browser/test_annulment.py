"""Solicitar Anulación through the screens: a case nobody has taken is annulled at once; once a
clerk has it, the clerk decides — approving annuls it, rejecting (with a reason) gives it back to
the clerk as it was."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from .conftest import Screens
from .journeys import classify, decide_annulment, open_case, request_annulment, take

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CONSULTA = (
    ("case_type", "Consulta"),
    ("subject", "Gestión de autorizaciones"),
    ("category", "Datos de contacto"),
)


async def test_annulment_from_submitted_is_immediate_and_from_assigned_needs_the_clerk(
    autorizado: Screens, tramitador: Screens
) -> None:
    page, clerk = autorizado.page, tramitador.page
    await classify(autorizado, *CONSULTA)
    submitted = await open_case(autorizado, title="Consulta que ya no hace falta")
    await autorizado.goto(f"/portal/casos/{submitted}")
    confirm = page.get_by_label("Confirmo que deseo solicitar la anulación del caso")
    await expect(confirm).to_have_attribute("required", "")
    await page.get_by_label("Motivo de la anulación").fill("Lo resolvimos por nuestra cuenta.")
    await page.get_by_role("button", name="Solicitar Anulación").click()
    assert await confirm.evaluate("box => box.validity.valueMissing"), "sent without the confirmation"
    await expect(page.get_by_text("Abierto / Presentado")).to_be_visible()
    await autorizado.shot("anulacion-sin-confirmar")
    await request_annulment(autorizado, submitted, reason="Lo resolvimos por nuestra cuenta.")
    await expect(page.get_by_text("Cerrado / Anulado")).to_be_visible()
    await expect(page.get_by_role("heading", name="Solicitar Anulación")).to_have_count(0)
    await autorizado.shot("anulado-al-momento")

    await classify(autorizado, *CONSULTA)
    approved = await open_case(autorizado, title="Consulta que el tramitador anula")
    await take(tramitador, approved)
    await request_annulment(autorizado, approved, reason="Ya no la necesitamos.")
    await expect(page.get_by_text("Abierto / Solicitada Anulación")).to_be_visible()
    await autorizado.shot("anulacion-solicitada")
    await tramitador.goto(f"/backoffice/casos/{approved}")
    await expect(clerk.get_by_text("Ya no la necesitamos.").first).to_be_visible()
    await tramitador.shot("anulacion-por-decidir")
    await decide_annulment(tramitador, approved, approve=True)
    await expect(clerk.get_by_text("Cerrado / Anulado")).to_be_visible()
    await tramitador.shot("anulacion-aprobada")
    await autorizado.goto(f"/portal/casos/{approved}")
    await expect(page.get_by_text("Cerrado / Anulado")).to_be_visible()
    await autorizado.shot("anulado-por-el-tramitador")

    await classify(autorizado, *CONSULTA)
    rejected = await open_case(autorizado, title="Consulta cuya anulación se rechaza")
    await take(tramitador, rejected)
    await request_annulment(autorizado, rejected, reason="Creo que ya no hace falta.")
    await decide_annulment(
        tramitador, rejected, approve=False, reason="Hace falta: falta un dato para cerrarla."
    )
    await expect(clerk.get_by_text("Abierto / Asignado")).to_be_visible()
    await tramitador.shot("anulacion-rechazada")
    await autorizado.goto(f"/portal/casos/{rejected}")
    await expect(page.get_by_text("Abierto / Asignado")).to_be_visible()
    await autorizado.shot("anulacion-rechazada-vista-por-el-autorizado")
    await autorizado.goto(f"/portal/casos/{rejected}/historico")
    await expect(page.get_by_text("Hace falta: falta un dato para cerrarla.")).to_be_visible()
    await autorizado.shot("motivo-del-rechazo-en-el-historico")
