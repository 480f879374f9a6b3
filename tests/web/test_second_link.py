"""A second link of the same step and round in the browser (issue 15, item 5).

One person counts once per step and round, however many links of it they open: the second
link says they already took part and offers to continue or to change their answers, as in
Telegram.
"""

from __future__ import annotations

from bot.runtime import Runtime
from storage import repo
from storage.models import Campaign
from tests.web.conftest import answers_of, counts
from tests.web.pages import Page, Visitor


async def _two_links(runtime: Runtime) -> tuple[str, str, str]:
    """Two jongeren links of stap 3, round 1, of one werkgroep; and the first campaign's id."""
    tokens = (repo.new_token(), repo.new_token())
    async with runtime.sessions.begin() as session:
        werkgroep, _, _ = await repo.create_werkgroep(session, "Velsen", "armoede")
        campaigns = [
            Campaign(
                werkgroep_id=werkgroep.id,
                audience="jongeren",
                step_key="stap-3",
                flow_id="armoede.stap-3.jongeren",
                label=label,
                token_hash=repo.hash_token(token),
            )
            for token, label in zip(tokens, ("School A", "School B"), strict=True)
        ]
        session.add_all(campaigns)
        await session.flush()
        return tokens[0], tokens[1], campaigns[0].id


async def _open(visitor: Visitor, token: str) -> Page:
    landing = await visitor.get(f"/j/{token}")
    return await visitor.press(landing, "Beantwoord hier in je browser")


async def test_a_second_link_offers_to_continue_or_change(
    runtime: Runtime, visitor: Visitor
) -> None:
    """Half-way through link A, link B says 'al meegedaan' with both buttons; both work."""
    first, second, campaign_id = await _two_links(runtime)
    page = await visitor.press(await _open(visitor, first), "Ik doe mee")
    page = await visitor.step(page)
    assert "Vraag 2 van" in page.text
    offer = await _open(visitor, second)
    assert "Je hebt al meegedaan aan deze vragen" in offer.text
    assert "Je doet anoniem mee" not in offer.text  # no second notice, no second participation
    assert {"Verder gaan", "Antwoorden veranderen"} <= set(offer.labels())
    resumed = await visitor.press(offer, "Verder gaan")
    assert "Vraag 2 van" in resumed.text
    assert (await counts(runtime))["participants"] == 1
    again = await _open(visitor, second)
    restarted = await visitor.press(again, "Antwoorden veranderen")
    assert "Je vorige antwoorden zijn gewist" in restarted.text
    assert "Vraag 1 van" in restarted.text
    assert await answers_of(runtime, campaign_id) == {}
    assert (await counts(runtime))["participants"] == 1
