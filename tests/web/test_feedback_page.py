"""Closing the loop in the browser (#17.5): the campaign page shows what the werkgroep did with
the answers, also after the round closed; the browser offers no Telegram opt-in."""

from __future__ import annotations

from datetime import date

from bot.runtime import Runtime
from storage.models import Campaign, CampaignFeedback, utcnow
from tests.web.conftest import create_campaign
from tests.web.pages import Visitor
from tests.web.test_journey import DONE, complete, consent

SENT = "De werkgroep opent de sporthal op vrijdagavond."
DRAFT = "Nog een klad dat niemand mag zien."


async def _feedback(runtime: Runtime, campaign_id: str) -> None:
    async with runtime.sessions.begin() as session:
        session.add(
            CampaignFeedback(
                campaign_id=campaign_id,
                text=SENT,
                status="sent",
                written_by="test",
                sent_on=date(2026, 12, 3),
            )
        )
        session.add(
            CampaignFeedback(campaign_id=campaign_id, text=DRAFT, status="draft", written_by="test")
        )


async def test_the_open_campaign_page_shows_sent_feedback_only(
    runtime: Runtime, visitor: Visitor
) -> None:
    """The landing page keeps its buttons and adds the sent feedback with its date; a draft
    is not shown."""
    token, campaign_id, _ = await create_campaign(runtime)
    await _feedback(runtime, campaign_id)
    page = await visitor.get(f"/j/{token}")
    assert page.status == 200
    assert "Beantwoord hier in je browser" in page.labels()
    assert "Wat de werkgroep met de antwoorden doet" in page.text
    assert SENT in page.text and "3 december 2026" in page.text
    assert DRAFT not in page.html


async def test_a_closed_campaign_page_still_shows_the_feedback(
    runtime: Runtime, visitor: Visitor
) -> None:
    """After the round closed the page says so and shows the feedback (200, no answer button); without
    feedback it stays the 410 page."""
    token, campaign_id, _ = await create_campaign(runtime)
    other, _, _ = await create_campaign(runtime, closed_at=utcnow())
    await _feedback(runtime, campaign_id)
    async with runtime.sessions.begin() as session:
        campaign = await session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.closed_at = utcnow()
    page = await visitor.get(f"/j/{token}")
    assert page.status == 200
    assert "Deze ronde is gesloten" in page.text and SENT in page.text
    assert "Beantwoord hier in je browser" not in page.labels()
    assert (await visitor.get(f"/j/{other}")).status == 410


async def test_the_browser_thanks_offers_no_telegram_opt_in(
    runtime: Runtime, visitor: Visitor
) -> None:
    """A web participant has no chat to write to: the thanks carries no opt-in buttons but
    points to the link's page, where the feedback will be."""
    token, _, _ = await create_campaign(runtime)
    done = await complete(visitor, await consent(visitor, token))
    assert DONE in done.text
    assert "Wil je later horen" not in done.text
    assert "Ja, stuur me een bericht" not in done.labels()
    assert "lees je later op de pagina van je link" in done.text
