"""Administration in chat: revoked invites, other werkgroepen, reminders."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.admin import service
from bot.runtime import due_reminders
from storage.models import Campaign, Werkgroep, utcnow
from tests.e2e.conftest import BotHarness, say


async def test_revoked_invite_link_no_longer_works(harness: BotHarness) -> None:
    """After `werkgroep revoke-invite`, the old member link is refused and the new one works."""
    werkgroep_id, _, member_token = await harness.werkgroep("armoede")
    assert harness.runtime is not None
    async with harness.runtime.sessions.begin() as session:
        fresh = await service.revoke_invite(session, werkgroep_id, "member", actor="cli")
    user = harness.api.user(7100001)
    (refused,) = await say(user, f"/start {member_token}")
    assert "werkt niet" in (refused.text or "")
    (welcome,) = await say(user, f"/start {fresh.token}")
    assert "Wat is je naam" in (welcome.text or "")


async def test_coordinator_of_a_cannot_close_a_campaign_of_b(harness: BotHarness) -> None:
    """A coordinator pressing a forged 'close' for another werkgroep's campaign changes nothing."""
    _, coordinator_a, _ = await harness.werkgroep("armoede")
    other_token = await harness.campaign("jongeren")  # belongs to a second werkgroep
    assert harness.runtime is not None
    async with harness.runtime.sessions() as session:
        other = await session.scalar(
            select(Campaign).where(Campaign.token_hash == service.repo.hash_token(other_token))
        )
    assert other is not None
    user = harness.api.user(7100002)
    await say(user, f"/start {coordinator_a}")
    await say(user, "Anna")
    await say(user, "Gemeente A")
    mark = user.mark()
    pressed = await user.press(1, f"y:{other.id}")
    await user.wait_answer(pressed)
    replies = await user.wait_new(mark, 1)
    assert "Geen campagne" in (replies[-1].text or "")
    async with harness.runtime.sessions() as session:
        still = await session.get(Campaign, other.id)
        assert still is not None and still.closed_at is None


async def test_herinnering_sets_a_reminder_that_the_job_sends(harness: BotHarness) -> None:
    """/herinnering 30 schedules a reminder; when due, every member is listed once and the
    next date moves on."""
    werkgroep_id, coordinator_token, _ = await harness.werkgroep("armoede")
    user = harness.api.user(7100003)
    await say(user, f"/start {coordinator_token}")
    await say(user, "Co")
    await say(user, "Gemeente")
    (reply,) = await say(user, "/herinnering 30")
    assert "30 dagen" in (reply.text or "")
    (refused,) = await say(user, "/herinnering ²")
    assert "aantal dagen" in (refused.text or "")
    assert harness.runtime is not None
    assert await due_reminders(harness.runtime) == []  # not due yet
    async with harness.runtime.sessions.begin() as session:
        werkgroep = await session.get(Werkgroep, werkgroep_id)
        assert werkgroep is not None
        werkgroep.reminder_due_at = utcnow() - timedelta(minutes=1)
    assert await due_reminders(harness.runtime) == [(7100003, "nl")]
    assert await due_reminders(harness.runtime) == []  # moved on by 30 days
