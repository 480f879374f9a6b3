"""/campagnes through the real bot: counts coarse and released in steps of k (issue 15, item 6).

The attack from the issue: "4 begonnen, 3 klaar" told the coordinator exactly when one more
person answered. Now a small campaign says "minder dan 10", and a look after one more answer
gives the same message, also at 19 → 20 where a rounding alone would change.
"""

from __future__ import annotations

from storage import repo
from storage.models import Campaign, Participant
from tests.e2e.conftest import BotHarness, join_as_coordinator, say, tap


async def _campaign(harness: BotHarness, werkgroep_id: str, label: str) -> str:
    assert harness.runtime is not None
    async with harness.runtime.sessions.begin() as session:
        campaign = Campaign(
            werkgroep_id=werkgroep_id,
            audience="jongeren",
            step_key="stap-3",
            flow_id="armoede.stap-3.jongeren",
            label=label,
            token_hash=repo.new_token(),
        )
        session.add(campaign)
        await session.flush()
        return campaign.id


async def _answered(harness: BotHarness, campaign_id: str, people: int, completed: int) -> None:
    assert harness.runtime is not None
    async with harness.runtime.sessions.begin() as session:
        for index in range(people):
            session.add(
                Participant(
                    campaign_id=campaign_id,
                    pseudonym=repo.new_token(),
                    completed=index < completed,
                )
            )


async def test_campagnes_does_not_time_a_new_respondent(harness: BotHarness) -> None:
    """4 begonnen/3 klaar and 19/19 look the same after one more person; the close says little."""
    werkgroep_id, user = await join_as_coordinator(harness, 9992001)
    small = await _campaign(harness, werkgroep_id, "Klein")
    large = await _campaign(harness, werkgroep_id, "Groot")
    await _answered(harness, small, 4, 3)
    await _answered(harness, large, 19, 19)
    (before,) = await say(user, "/campagnes")
    text = before.text or ""
    assert "(Klein), ronde 1: open, minder dan 10 klaar, minder dan 10 begonnen" in text
    assert "(Groot), ronde 1: open, 10 of meer klaar, 10 of meer begonnen" in text
    assert "4 begonnen" not in text and "3 klaar" not in text
    await _answered(harness, small, 1, 1)
    await _answered(harness, large, 1, 1)
    (after,) = await say(user, "/campagnes")
    assert after.text == before.text
    close = next(
        label
        for row in after.buttons
        for label, _ in row
        if label.startswith("Sluit") and "Klein" in label
    )
    (ask,) = await tap(user, after, close)
    (closed,) = await tap(user, ask, "Ja, sluiten")
    assert "De campagne is gesloten. minder dan 10 mensen deden helemaal mee." in (
        closed.text or ""
    )
