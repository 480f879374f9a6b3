"""The web channel in a real browser (headless Chromium through Playwright), with axe-core.

Skipped when Playwright is not installed or Chromium is not at /usr/bin/chromium (Debian's
``chromium`` package; Playwright's own browser downloads are never used). axe-core comes inside
the axe-playwright-python wheel, so nothing is downloaded at test time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from bot.runtime import Runtime
from bot.web.serve import running
from bot.web.session import COOKIE_NAME
from storage.models import Answer, ConversationRow, Participant
from tests.conftest import prepared_database
from tests.web.conftest import answers_of, create_campaign, make_runtime

try:
    from axe_playwright_python.async_playwright import Axe
    from playwright.async_api import Browser, Page, async_playwright
except ImportError:  # pragma: no cover - depends on the machine
    async_playwright = None  # type: ignore[assignment]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 20_000  # an upper bound for a page to load, not a measured duration
PHONE = {"width": 320, "height": 640}
DONE = "Klaar! Dank je wel"
CRISIS = "ik wil dood, ik wil niet meer leven"
# The help reply for a suicide signal leads with this (bot/privacy/helplines.py INTROS).
HELP_LEAD = "Fijn dat je dit vertelt. Denk je aan zelfmoord?"

pytestmark = [
    pytest.mark.skipif(
        async_playwright is None,
        reason="Playwright or axe-playwright-python is not installed (pip install -e '.[dev]')",
    ),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is missing (apt-get install chromium; see docs/web.md)",
    ),
    pytest.mark.asyncio(loop_scope="module"),
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def runtime(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Runtime]:
    directory = tmp_path_factory.mktemp("web-browser")
    built = await make_runtime(await prepared_database("sqlite", directory), directory)
    yield built
    await built.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def base(runtime: Runtime) -> AsyncIterator[str]:
    async with running(runtime, port=0) as url:
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


class Journey:
    """One browser context (its own cookies: one participant) on a 320 px wide screen; every
    page it reaches is checked with axe-core."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.violations: list[str] = []
        self.audited = 0
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    @classmethod
    async def open(cls, browser: Browser, base: str, **context: Any) -> Journey:
        made = await browser.new_context(viewport=PHONE, locale="nl-NL", **context)
        page = await made.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return cls(page, base)

    async def audit(self) -> None:
        results = await Axe().run(self.page)
        self.audited += 1
        for violation in results.response["violations"]:
            if violation.get("impact") in ("serious", "critical"):
                self.violations.append(
                    f"{self.page.url}: {violation['id']} ({violation['impact']})"
                )
        wide = await self.page.evaluate("document.documentElement.scrollWidth")
        assert wide <= PHONE["width"], f"{self.page.url} scrolls sideways at 320 px ({wide})"

    async def goto(self, path: str) -> None:
        await self.page.goto(self.base + path)
        await self.audit()

    async def tap(self, label: str) -> None:
        async with self.page.expect_navigation():
            await self.page.get_by_role("button", name=label).first.click()
        await self.audit()

    async def main_text(self) -> str:
        return await self.page.locator("main").inner_text()

    async def tick(self, option: Any) -> None:
        """Tick a multiple-choice option: the page comes back with it pressed."""
        async with self.page.expect_navigation():
            await option.click()
        await self.audit()
        assert await option.get_attribute("aria-pressed") == "true"

    async def answer(self, text: str = "Meer plekken om gratis te sporten") -> None:
        """Answer like a person: tap the first option (and Klaar), or type with the keyboard."""
        question = self.page.locator("#vraag")
        options = question.locator('button[name="b"][value^="o:"]')
        if await question.locator("textarea").count():
            box = question.locator("textarea")
            await box.focus()
            await self.page.keyboard.type(text)
            await self.page.keyboard.press("Tab")  # to Versturen
            async with self.page.expect_navigation():
                await self.page.keyboard.press("Enter")
            await self.audit()
        elif await options.first.get_attribute("aria-pressed") is not None:
            await self.tick(options.first)
            await self.tap("Klaar")
        else:
            async with self.page.expect_navigation():
                await options.first.click()
            await self.audit()

    async def join(self, token: str) -> None:
        await self.goto(f"/j/{token}")
        await self.tap("Beantwoord hier in je browser")
        assert "Je doet anoniem mee" in await self.main_text()
        await self.tap("Ik doe mee")
        assert "Vraag 1 van" in await self.main_text()


async def count(runtime: Runtime, model: Any, campaign_id: str) -> int:
    async with runtime.sessions() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(model).where(model.campaign_id == campaign_id)
            )
            or 0
        )


async def test_a_jongere_completes_the_consultation_without_axe_violations(
    runtime: Runtime, base: str, browser: Browser
) -> None:
    """Tapping and typing (keyboard only for text) to the end; axe finds nothing serious on
    any page, the page never scrolls sideways at 320 px, and the script raises no error."""
    token, campaign_id, _ = await create_campaign(runtime)
    journey = await Journey.open(browser, base)
    await journey.join(token)
    for _ in range(40):
        if DONE in await journey.main_text():
            break
        await journey.answer()
    assert DONE in await journey.main_text()
    stored = await answers_of(runtime, campaign_id)
    assert stored["signalen"] == "Meer plekken om gratis te sporten"
    assert len(stored) >= 8
    assert journey.audited >= 15  # landing, notice, every question, the end
    assert journey.violations == []
    assert journey.errors == []


async def test_reload_resumes_and_a_second_browser_is_someone_else(
    runtime: Runtime, base: str, browser: Browser
) -> None:
    """A reload shows the open question again; another browser context starts at question 1."""
    token, campaign_id, _ = await create_campaign(runtime)
    first = await Journey.open(browser, base)
    await first.join(token)
    await first.answer()
    await first.answer()
    assert "Vraag 3 van" in await first.main_text()
    await first.page.reload()
    assert "Vraag 3 van" in await first.main_text()
    await first.goto("/s")
    assert "Vraag 3 van" in await first.main_text()
    second = await Journey.open(browser, base)
    await second.join(token)
    assert "Vraag 1 van" in await second.main_text()
    assert await count(runtime, Participant, campaign_id) == 2
    assert len(await answers_of(runtime, campaign_id)) == 2


async def test_erasure_removes_everything(runtime: Runtime, base: str, browser: Browser) -> None:
    """'Wis mijn antwoorden', then 'Ja, wis alles': no answer, participant or conversation left."""
    token, campaign_id, _ = await create_campaign(runtime)
    journey = await Journey.open(browser, base)
    await journey.join(token)
    await journey.answer()
    await journey.answer()
    assert await count(runtime, Answer, campaign_id) == 2
    async with runtime.sessions() as session:
        conversations = (
            await session.scalars(
                select(ConversationRow.id)
                .join(Participant, ConversationRow.participant_id == Participant.id)
                .where(Participant.campaign_id == campaign_id)
            )
        ).all()
    assert len(conversations) == 1
    await journey.tap("Wis mijn antwoorden")
    assert "Dit kan niet ongedaan worden" in await journey.main_text()
    await journey.tap("Ja, wis alles")
    assert "Gewist" in await journey.main_text()
    assert await count(runtime, Answer, campaign_id) == 0
    assert await count(runtime, Participant, campaign_id) == 0
    async with runtime.sessions() as session:
        assert await session.get(ConversationRow, conversations[0]) is None
    assert journey.violations == []


async def test_a_crisis_text_shows_the_help_lines_first(
    runtime: Runtime, base: str, browser: Browser
) -> None:
    """A crisis text typed as an answer puts the help lines at the top of the page."""
    token, _, _ = await create_campaign(runtime)
    journey = await Journey.open(browser, base)
    await journey.join(token)
    for _ in range(10):
        if await journey.page.locator("#vraag textarea").count():
            break
        await journey.answer()
    await journey.answer(CRISIS)
    first = (await journey.page.locator("main > *").first.inner_text()).lstrip()
    assert first.startswith(HELP_LEAD)
    text = (await journey.main_text()).lstrip()
    assert text.startswith(HELP_LEAD)
    assert "113" in text
    assert journey.violations == []


async def test_the_arabic_page_is_right_to_left(
    runtime: Runtime, base: str, browser: Browser
) -> None:
    """The language menu's العربية turns the page right-to-left, with axe still content."""
    token, _, _ = await create_campaign(runtime)
    journey = await Journey.open(browser, base)
    await journey.join(token)
    await journey.tap("العربية")
    html = journey.page.locator("html")
    assert await html.get_attribute("dir") == "rtl"
    assert await html.get_attribute("lang") == "ar"
    await journey.answer()
    assert await html.get_attribute("dir") == "rtl"
    assert journey.violations == []


async def test_posts_without_csrf_or_with_a_forged_session_write_nothing(
    runtime: Runtime, base: str, browser: Browser
) -> None:
    """A post lacking the CSRF token, and a tap under a forged cookie, get 403; no answer."""
    token, campaign_id, _ = await create_campaign(runtime)
    journey = await Journey.open(browser, base)
    await journey.join(token)
    context = journey.page.context
    response = await context.request.post(
        base + "/s", form={"b": "o:00000000:0", "n": "77"}, fail_on_status_code=False
    )
    assert response.status == 403
    cookies = await context.cookies()
    genuine = next(c for c in cookies if c["name"] == COOKIE_NAME)
    forged = {**genuine, "value": "B" * 32 + "." + genuine["value"].partition(".")[2]}
    await context.clear_cookies()
    await context.add_cookies([forged])  # type: ignore[list-item]
    async with journey.page.expect_navigation():
        await journey.page.locator('#vraag button[value^="o:"]').first.click()
    assert "Deze pagina is verlopen" in await journey.main_text()
    assert await count(runtime, Answer, campaign_id) == 0


async def test_reduced_motion_turns_transitions_off(
    runtime: Runtime, base: str, browser: Browser
) -> None:
    """With prefers-reduced-motion the buttons do not animate; without it they fade briefly."""
    token, _, _ = await create_campaign(runtime)
    durations = {}
    for motion in ("reduce", "no-preference"):
        journey = await Journey.open(browser, base, reduced_motion=motion)
        await journey.goto(f"/j/{token}")
        button = journey.page.get_by_role("button", name="Beantwoord hier in je browser")
        durations[motion] = await button.evaluate("b => getComputedStyle(b).transitionDuration")
        await journey.page.context.close()
    assert durations == {"reduce": "0s", "no-preference": "0.15s"}
