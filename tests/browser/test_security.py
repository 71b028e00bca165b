"""The screens keep people to their own cases and their own forms: another authorization's case
is a page that does not exist, a form without the session's CSRF token is refused, and what
people type is shown as text, never run."""

from __future__ import annotations

import pytest
from playwright.async_api import Dialog, expect

from .conftest import PORTAL, Screens
from .journeys import classify, open_case

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CONSULTA = (
    ("case_type", "Consulta"),
    ("subject", "Gestión de autorizaciones"),
    ("category", "Datos de contacto"),
)
HOSTILE_TITLE = "Consulta <script>alert('título')</script><img src=x onerror=alert('imagen')>"


async def test_security_on_the_screens(autorizado: Screens, stranger: Screens) -> None:
    page = autorizado.page
    dialogs: list[str] = []

    async def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    for screens in (autorizado, stranger):
        screens.page.on("dialog", dismiss)
    await classify(autorizado, *CONSULTA)
    number = await open_case(autorizado, title=HOSTILE_TITLE, description=HOSTILE_TITLE)
    await autorizado.goto(f"/portal/casos/{number}")
    await expect(page.locator("table.facts").get_by_text(HOSTILE_TITLE)).to_have_count(2)
    await autorizado.shot("titulo-como-texto")
    await autorizado.goto("/portal/casos")
    await expect(page.get_by_role("row", name=number)).to_contain_text(HOSTILE_TITLE)
    await autorizado.shot("titulo-como-texto-en-la-lista")

    shown = await stranger.goto(f"/portal/casos/{number}")
    assert shown is not None and shown.status == 404
    await expect(stranger.page.get_by_role("heading", name="Página no encontrada")).to_be_visible()
    await expect(stranger.page.get_by_text(HOSTILE_TITLE)).to_have_count(0)
    await stranger.shot("caso-de-otra-autorizacion")
    history = await stranger.page.request.get(f"{PORTAL}/portal/casos/{number}/historico")
    assert history.status == 404

    forged = await page.request.post(
        f"{PORTAL}/portal/casos/{number}/anulacion",
        form={"reason": "Sin token.", "confirm": "si"},
        max_redirects=0,
    )
    assert forged.status == 403
    assert "Formulario caducado" in await forged.text()
    await autorizado.goto(f"/portal/casos/{number}")
    await expect(page.get_by_text("Abierto / Presentado")).to_be_visible()
    await autorizado.shot("sin-token-nada-cambia")
    assert dialogs == []
