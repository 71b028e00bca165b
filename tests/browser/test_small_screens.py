"""The screens on a small phone (360 CSS pixels wide): nothing makes the page scroll sideways;
a wide table scrolls inside its own frame (``.table-wrap``)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from .conftest import Screens, new_authorization, sign_in
from .journeys import classify, open_case

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WIDTH = 360
TRAMITE_BAJA = (
    ("case_type", "Trámite"),
    ("subject", "Afiliación"),
    ("category", "Altas y Bajas"),
    ("subcategory", "Bajas trabajadores cuenta ajena"),
)


async def fits(screens: Screens, name: str) -> None:
    """The screen is no wider than the phone; photographed and checked with axe-core."""
    await screens.shot(name)
    wide = await screens.page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= WIDTH, f"{name}: the page is {wide} pixels wide"


async def test_the_screens_work_at_360_pixels(phone: Screens) -> None:
    page = phone.page
    await phone.goto("/entrar")
    await fits(phone, "entrar")
    await sign_in(
        page, role="autorizado", name="Ana Móvil Fernández-Villaverde", authorizations=new_authorization()
    )
    await expect(page.get_by_role("navigation", name="Principal")).to_be_visible()
    await fits(phone, "inicio")

    await classify(phone, *TRAMITE_BAJA)
    await fits(phone, "nuevo-caso")
    number = await open_case(
        phone,
        title="Baja de un trabajador desde el móvil",
        data={"ccc": "28/1234567/42", "naf": "28 12345678 40"},
    )
    await fits(phone, "alta-confirmada")

    await phone.goto("/portal/casos")
    await expect(page.get_by_role("link", name=number)).to_be_visible()
    await fits(phone, "gestion-de-casos")
    results = page.locator(".table-wrap", has=page.get_by_role("link", name=number))
    assert await results.evaluate("wrap => wrap.scrollWidth > wrap.clientWidth"), (
        "the results table should overflow into its .table-wrap"
    )
    await page.get_by_role("link", name=number).click()
    await expect(page.get_by_role("heading", name=f"Caso {number}")).to_be_visible()
    await fits(phone, "detalle")
