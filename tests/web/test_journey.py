"""A participant's journey in the browser, over HTTP like a browser without JavaScript."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.runtime import Runtime
from tests.web.conftest import answers_of, counts, create_campaign
from tests.web.pages import Page, Visitor

DONE = "Klaar! Dank je wel"


async def consent(visitor: Visitor, token: str) -> Page:
    landing = await visitor.get(f"/j/{token}")
    notice = await visitor.press(landing, "Beantwoord hier in je browser")
    return await visitor.press(notice, "Ik doe mee")


async def complete(visitor: Visitor, page: Page, limit: int = 40) -> Page:
    for _ in range(limit):
        if DONE in page.text:
            return page
        page = await visitor.step(page)
    raise AssertionError(f"not finished after {limit} steps: {page.text}")


async def test_landing_offers_the_browser_first_then_telegram(
    runtime: Runtime, visitor: Visitor
) -> None:
    """The campaign link's page: 'Beantwoord hier in je browser' first, Telegram (16+) second."""
    token, _, _ = await create_campaign(runtime)
    page = await visitor.get(f"/j/{token}")
    assert page.status == 200
    browser = page.html.index("Beantwoord hier in je browser")
    telegram = page.html.index("Open in Telegram (16 jaar of ouder)")
    assert browser < telegram
    assert f"https://t.me/samenspraak_test_bot?start={token}" in page.html
    assert (await counts(runtime))["chat_sessions"] == 0  # looking is not taking part


async def test_notice_then_first_question_only_after_ik_doe_mee(
    runtime: Runtime, visitor: Visitor
) -> None:
    """The B1 privacy notice comes first; nothing is stored before the explicit 'Ik doe mee'."""
    token, _, _ = await create_campaign(runtime)
    landing = await visitor.get(f"/j/{token}")
    notice = await visitor.press(landing, "Beantwoord hier in je browser")
    assert "Je doet anoniem mee" in notice.text
    assert "Vraag 1 van" not in notice.text
    assert (await counts(runtime))["participants"] == 0
    first = await visitor.press(notice, "Ik doe mee")
    assert "Vraag 1 van" in first.text
    assert (await counts(runtime))["participants"] == 1


async def test_a_jongere_completes_the_consultation_by_tapping_and_typing(
    runtime: Runtime, visitor: Visitor
) -> None:
    """Every question answered in the browser lands in the answers table; typed text too."""
    token, campaign_id, _ = await create_campaign(runtime)
    page = await complete(visitor, await consent(visitor, token))
    assert DONE in page.text
    stored = await answers_of(runtime, campaign_id)
    assert stored["signalen"] == "Meer plekken om te sporten"
    assert stored["leeftijd"] is not None and "meedoen-school" in stored
    assert len(stored) >= 8


async def test_the_chosen_answer_stays_visible(runtime: Runtime, visitor: Visitor) -> None:
    """After a tap the next page shows back which answer was taken."""
    token, _, _ = await create_campaign(runtime)
    first = await consent(visitor, token)
    option = first.options()[1].text
    second = await visitor.press(first, option)
    assert f"Jouw antwoord: {option}" in second.text
    assert "Vraag 2 van" in second.text


async def test_reload_resumes_at_the_open_question(runtime: Runtime, visitor: Visitor) -> None:
    """Opening /s again (a reload) shows the question the participant was at."""
    token, _, _ = await create_campaign(runtime)
    page = await consent(visitor, token)
    page = await visitor.step(page)
    page = await visitor.step(page)
    assert "Vraag 3 van" in page.text
    again = await visitor.get("/s")
    assert "Vraag 3 van" in again.text


async def test_a_second_browser_is_a_different_participant(
    runtime: Runtime, visitor_factory: Callable[[], Awaitable[Visitor]]
) -> None:
    """Two cookie jars are two participants with their own place in the questions."""
    token, _, _ = await create_campaign(runtime)
    one, two = await visitor_factory(), await visitor_factory()
    ahead = await one.step(await consent(one, token))
    assert "Vraag 2 van" in ahead.text
    fresh = await consent(two, token)
    assert "Vraag 1 van" in fresh.text
    assert "Vraag 2 van" in (await one.get("/s")).text
    assert (await counts(runtime))["participants"] == 2


async def test_stoppen_then_verder_returns_to_the_same_question(
    runtime: Runtime, visitor: Visitor
) -> None:
    """'Stoppen' keeps the answers and offers 'Verder', which shows the open question again."""
    token, campaign_id, _ = await create_campaign(runtime)
    page = await visitor.step(await consent(visitor, token))
    assert "Vraag 2 van" in page.text
    stopped = await visitor.press(page, "Stoppen")
    assert "Je bent gestopt" in stopped.text
    assert "Verder" in stopped.labels() and "Stoppen" not in stopped.labels()
    assert "Vraag 2 van" not in stopped.text
    assert "Verder" in (await visitor.get("/s")).labels()
    resumed = await visitor.press(stopped, "Verder")
    assert "Vraag 2 van" in resumed.text
    assert list(await answers_of(runtime, campaign_id)) == ["leeftijd"]


async def test_a_multiple_choice_toggle_shows_the_pressed_state(
    runtime: Runtime, visitor: Visitor
) -> None:
    """Tapping an option of a multiple choice marks it pressed; nothing is stored until Klaar."""
    token, campaign_id, _ = await create_campaign(runtime)
    page = await consent(visitor, token)
    while not (page.options() and page.options()[0].pressed is not None):
        page = await visitor.step(page)
    stored = await answers_of(runtime, campaign_id)
    first = page.options()[0]
    assert first.pressed == "false"
    toggled = await visitor.press(page, first.text)
    assert toggled.options()[0].pressed == "true"
    assert "Jouw antwoord" not in toggled.text
    assert await answers_of(runtime, campaign_id) == stored
    done = await visitor.press(toggled, "Klaar")
    assert len(await answers_of(runtime, campaign_id)) == len(stored) + 1
    assert "Vraag" in done.text
