"""What a person does on the portal's screens, step by step, as the browser tests drive it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping

from playwright.async_api import FilePayload, Locator, Page, expect

from .conftest import Screens

CASE_NUMBER = re.compile(r"CAS-\d{4}-\d{7}")


async def classify(screens: Screens, *levels: tuple[str, str]) -> None:
    """Choose type, materia, categoría (and subcategoría) in Nuevo Caso: each choice reloads the
    form with the next level (by the page's script)."""
    await screens.goto("/portal/casos/nuevo")
    for field, label in levels:
        async with screens.page.expect_navigation():
            await screens.page.select_option(f"#{field}", label=label)


async def open_case(
    screens: Screens,
    *,
    title: str,
    description: str = "Descripción del caso.",
    data: Mapping[str, str] | None = None,
) -> str:
    """Fill in the rest of Nuevo Caso (``data``: the node's additional data by code) and finish
    the alta; the case number Alta Confirmada shows."""
    page = screens.page
    await fill_data(page, data or {})
    await page.fill("#title", title)
    await page.fill("#description", description)
    await page.get_by_role("button", name="Finalizar Alta").click()
    await expect(page.get_by_role("heading", name="Alta Confirmada")).to_be_visible()
    shown = await page.locator("#numero-caso").inner_text()
    assert CASE_NUMBER.fullmatch(shown), shown
    return shown


async def fill_data(page: Page, data: Mapping[str, str]) -> None:
    """Type the additional data the classified node asks for (``{"ccc": "28/1234567/42"}``)."""
    for code, value in data.items():
        await page.fill(f"#data_{code}", value)


async def attach(page: Page, slot: int, *, document_type: str, title: str, pdf: bytes) -> None:
    """Choose a PDF for slot ``slot`` of Nuevo Caso, with its type (the catalog's name) and title."""
    await page.select_option(f"#file_{slot}_type", label=document_type)
    await page.fill(f"#file_{slot}_title", title)
    name = f"{title.lower().replace(' ', '-')}.pdf"
    chosen = FilePayload(name=name, mimeType="application/pdf", buffer=pdf)
    await page.set_input_files(f"#file_{slot}", files=[chosen])


async def reload_until(page: Page, shown: Locator, *, seconds: float = 20.0) -> None:
    """Reload the page until ``shown`` is visible (what another service adds a moment later)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            await expect(shown).to_be_visible(timeout=1_000)
            return
        except AssertionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
        await page.reload()


async def request_annulment(screens: Screens, case_number: str, *, reason: str) -> None:
    """Solicitar Anulación from the case's detail, confirming it; back on the detail."""
    page = screens.page
    await screens.goto(f"/portal/casos/{case_number}")
    await page.get_by_label("Motivo de la anulación").fill(reason)
    await page.get_by_label("Confirmo que deseo solicitar la anulación del caso").check()
    await page.get_by_role("button", name="Solicitar Anulación").click()
    await expect(page.get_by_role("heading", name=f"Caso {case_number}")).to_be_visible()


async def take(clerk: Screens, case_number: str) -> None:
    """The clerk assigns the case to themselves in the back office."""
    await clerk.goto(f"/backoffice/casos/{case_number}")
    await clerk.page.get_by_role("button", name="Asignarme el caso").click()
    await expect(clerk.page.get_by_text("Abierto / Asignado")).to_be_visible()


async def decide_annulment(clerk: Screens, case_number: str, *, approve: bool, reason: str = "") -> None:
    """The clerk approves or rejects (with ``reason``) the annulment the autorizado asked for."""
    page = clerk.page
    await clerk.goto(f"/backoffice/casos/{case_number}")
    await page.get_by_label("Aprobar la anulación" if approve else "Rechazarla").check()
    await page.get_by_label("Motivo (obligatorio al rechazar)").fill(reason)
    await page.get_by_role("button", name="Decidir").click()
