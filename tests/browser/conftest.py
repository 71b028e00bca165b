"""The portal in a real Chromium (Debian's, driven by Playwright): a browser per test session, a
context per person, screenshots of every screen under ``.local/screenshots/<test>/`` and an
axe-core check of each screen for serious or critical accessibility violations."""

from __future__ import annotations

import os
import random
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, Response, async_playwright

from ..conftest import new_nif

PORTAL = os.environ.get("CASIA_PORTAL_URL", "http://127.0.0.1:8080")
SHOTS = Path(__file__).parents[2] / ".local" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        await launched.close()


@dataclass
class Screens:
    """One person's browser tab, with the test's folder of screenshots."""

    page: Page
    folder: Path
    count: int = 0

    async def shot(self, name: str) -> Path:
        """Save a full-page screenshot and check the screen with axe-core."""
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        await accessible(self.page, name)
        return path

    async def goto(self, path: str) -> Response | None:
        return await self.page.goto(f"{PORTAL}{path}")


async def accessible(page: Page, screen: str) -> None:
    results = await Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert serious == [], f"{screen}: " + "; ".join(f"{v['id']}: {v['help']}" for v in serious)


@pytest.fixture
def shots_folder(request: pytest.FixtureRequest) -> Path:
    folder = SHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)[:100]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_authorization() -> str:
    number = str(random.randint(1_000_000, 9_999_999))
    return f"{number};B12345674;Gestoría Navegador SL"


async def signed_in(
    browser: Browser, folder: Path, *, role: str, name: str, authorizations: str = ""
) -> Screens:
    """A new browser context signed in through the dev sign-in page as a person of the test's own."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-ES")
    page = await context.new_page()
    await page.goto(f"{PORTAL}/entrar")
    await sign_in(page, role=role, name=name, authorizations=authorizations)
    return Screens(page, folder / role)


async def sign_in(page: Page, *, role: str, name: str, authorizations: str = "") -> None:
    """Fill in and send the dev sign-in page (open in ``page``) as a new person."""
    await page.select_option("#role", role)
    await page.fill("#nif", new_nif())
    await page.fill("#name", name)
    await page.fill("#authorizations", authorizations)
    await page.get_by_role("button", name="Entrar", exact=True).click()


@pytest.fixture
async def autorizado(browser: Browser, shots_folder: Path) -> AsyncIterator[Screens]:
    screens = await signed_in(
        browser,
        shots_folder,
        role="autorizado",
        name="Ana Navegador Pérez",
        authorizations=new_authorization(),
    )
    screens.folder.mkdir(parents=True, exist_ok=True)
    yield screens
    await screens.page.context.close()


@pytest.fixture
async def tramitador(browser: Browser, shots_folder: Path) -> AsyncIterator[Screens]:
    screens = await signed_in(browser, shots_folder, role="tramitador", name="Marta Tramitadora Gómez")
    screens.folder.mkdir(parents=True, exist_ok=True)
    yield screens
    await screens.page.context.close()


@pytest.fixture
async def stranger(browser: Browser, shots_folder: Path) -> AsyncIterator[Screens]:
    """Another autorizado, acting under another authorization of the test's own."""
    screens = await signed_in(
        browser,
        shots_folder / "otro",
        role="autorizado",
        name="Luis Ajeno Sanz",
        authorizations=new_authorization(),
    )
    screens.folder.mkdir(parents=True, exist_ok=True)
    yield screens
    await screens.page.context.close()


@pytest.fixture
async def phone(browser: Browser, shots_folder: Path) -> AsyncIterator[Screens]:
    """A browser the size of a small phone (360 × 740), nobody signed in yet."""
    context = await browser.new_context(
        viewport={"width": 360, "height": 740}, locale="es-ES", is_mobile=True, has_touch=True
    )
    screens = Screens(await context.new_page(), shots_folder / "movil")
    screens.folder.mkdir(parents=True, exist_ok=True)
    yield screens
    await context.close()
