"""What a person does on the portal's screens, step by step, as the browser tests drive it."""

from __future__ import annotations

import re

from playwright.async_api import expect

from .conftest import Screens

CASE_NUMBER = re.compile(r"CAS-\d{4}-\d{7}")


async def classify(screens: Screens, *levels: tuple[str, str]) -> None:
    """Choose type, materia, categoría (and subcategoría) in Nuevo Caso: each choice reloads the
    form with the next level (by the page's script)."""
    await screens.goto("/portal/casos/nuevo")
    for field, label in levels:
        async with screens.page.expect_navigation():
            await screens.page.select_option(f"#{field}", label=label)


async def open_case(screens: Screens, *, title: str, description: str = "Descripción del caso.") -> str:
    """Fill in the rest of Nuevo Caso and finish the alta; the case number Alta Confirmada shows."""
    page = screens.page
    await page.fill("#title", title)
    await page.fill("#description", description)
    await page.get_by_role("button", name="Finalizar Alta").click()
    await expect(page.get_by_role("heading", name="Alta Confirmada")).to_be_visible()
    shown = await page.locator("#numero-caso").inner_text()
    assert CASE_NUMBER.fullmatch(shown), shown
    return shown
