"""A consulta's whole life on the portal's screens, in a real Chromium: the autorizado opens it and
finds it in Gestión de Casos; a clerk, in a browser of their own, takes it and asks for
information; the autorizado answers; the clerk resolves; the autorizado reads the answer in the
history and rates it. Every screen is photographed and checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from .conftest import Screens
from .journeys import classify, open_case

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CONSULTA = (
    ("case_type", "Consulta"),
    ("subject", "Gestión de autorizaciones"),
    ("category", "Datos de contacto"),
)


async def test_a_consulta_from_alta_to_rating_through_the_screens(
    autorizado: Screens, tramitador: Screens
) -> None:
    page = autorizado.page
    await autorizado.shot("inicio")
    await classify(autorizado, *CONSULTA)
    await autorizado.shot("nuevo-caso")
    number = await open_case(autorizado, title="Cambio del correo de contacto <script>alert(1)</script>")
    await autorizado.shot("alta-confirmada")

    await autorizado.goto("/portal/casos")
    await page.get_by_role("button", name="Buscar").click()
    await expect(page.get_by_role("link", name=number)).to_be_visible()
    await autorizado.shot("gestion-de-casos")
    await page.get_by_role("link", name=number).click()
    await expect(page.get_by_text("Cambio del correo de contacto <script>alert(1)</script>")).to_be_visible()
    await autorizado.shot("detalle")

    clerk = tramitador.page
    await tramitador.goto("/backoffice")
    await tramitador.shot("cola")
    await tramitador.goto(f"/backoffice/casos/{number}")
    await clerk.get_by_role("button", name="Asignarme el caso").click()
    await clerk.get_by_label("Información que se solicita").fill("Indique la nueva dirección de correo.")
    await clerk.get_by_role("button", name="Solicitar información").click()
    await expect(clerk.get_by_text("Solicitada Información").first).to_be_visible()
    await tramitador.shot("informacion-solicitada")

    await autorizado.goto(f"/portal/casos/{number}")
    await page.get_by_label("Información adicional").fill("La nueva dirección es nominas@gestoria.es")
    await page.get_by_role("button", name="Aportar").click()
    await expect(page.get_by_text("Abierto / Asignado")).to_be_visible()
    await autorizado.shot("informacion-aportada")

    await tramitador.goto(f"/backoffice/casos/{number}")
    await clerk.get_by_label("Respuesta al autorizado").fill(
        "Cambiado en Datos de contacto de la autorización."
    )
    await clerk.get_by_role("button", name="Resolver").click()
    await expect(clerk.get_by_text("Cerrado / Resuelto")).to_be_visible()
    await tramitador.shot("resuelto")

    await autorizado.goto(f"/portal/casos/{number}/historico")
    await expect(page.get_by_text("Cambiado en Datos de contacto de la autorización.").first).to_be_visible()
    await autorizado.shot("historico")
    await autorizado.goto(f"/portal/casos/{number}")
    await page.get_by_label("5", exact=True).check()
    await page.get_by_label("Observaciones").fill("Rápido y claro.")
    await page.get_by_role("button", name="Enviar valoración").click()
    await expect(page.get_by_text("Valoración enviada: 5 de 5.")).to_be_visible()
    await autorizado.shot("valorado")


async def test_a_reclassification_asked_by_the_clerk_is_made_on_its_own_screen(
    autorizado: Screens, tramitador: Screens
) -> None:
    await classify(autorizado, *CONSULTA)
    number = await open_case(autorizado, title="En realidad es una baja")
    clerk = tramitador.page
    await tramitador.goto(f"/backoffice/casos/{number}")
    await clerk.get_by_role("button", name="Asignarme el caso").click()
    await clerk.get_by_label("Motivo de la reclasificación").fill("Es un trámite de baja.")
    await clerk.get_by_role("button", name="Solicitar reclasificación").click()
    await expect(clerk.get_by_text("Solicitada Reclasificación").first).to_be_visible()

    page = autorizado.page
    await autorizado.goto(f"/portal/casos/{number}")
    await page.get_by_role("link", name="Reclasificar el caso").click()
    for field, label in (("case_type", "Trámite"), ("subject", "Afiliación"), ("category", "Altas y Bajas")):
        async with page.expect_navigation():
            await page.select_option(f"#{field}", label=label)
    async with page.expect_navigation():
        await page.select_option("#subcategory", label="Bajas trabajadores cuenta ajena")
    await page.fill("#data_ccc", "28/1234567/42")
    await page.fill("#data_naf", "28 12345678 40")
    await autorizado.shot("reclasificacion")
    await page.get_by_role("button", name="Reclasificar").click()
    await expect(page.get_by_text("Abierto / Asignado")).to_be_visible()
    await expect(
        page.get_by_text("Trámite > Afiliación > Altas y Bajas > Bajas trabajadores cuenta ajena")
    ).to_be_visible()
    await autorizado.shot("reclasificado")
