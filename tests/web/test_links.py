"""Campaign web links: made by the admin service, opened by the web channel."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.admin import service
from bot.runtime import Runtime
from tests.web.pages import Visitor


async def test_a_new_campaigns_web_link_opens_its_landing_page(
    runtime: Runtime, visitor: Visitor
) -> None:
    """create_campaign gives <PUBLIC_URL>/j/<token> beside the t.me link, and it works."""
    async with runtime.sessions.begin() as session:
        werkgroep = await service.create_werkgroep(
            session, runtime.catalog, "Velsen", "armoede", actor="test"
        )
        made = await service.create_campaign(
            session,
            runtime.catalog,
            werkgroep.id,
            "jongeren",
            "3",
            actor="test",
            bot_username="samenspraak_test_bot",
            public_url="https://praat.velsen.nl/",
        )
    assert made.web_link == f"https://praat.velsen.nl/j/{made.token}"
    assert made.link == f"https://t.me/samenspraak_test_bot?start={made.token}"
    page = await visitor.get(urlsplit(made.web_link).path)
    assert page.status == 200
    assert "De werkgroep Velsen wil weten wat jij denkt" in page.text
    assert "Beantwoord hier in je browser" in page.labels()
