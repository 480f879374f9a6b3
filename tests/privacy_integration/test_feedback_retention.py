"""Feedback opt-ins (#17.5) end with the retention period, also when no feedback was sent;
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.privacy.retention import purge
from storage import repo
from storage.models import Campaign, FeedbackOptIn, utcnow


async def _campaign_with_optin(session: AsyncSession, opened_days_ago: int, n: int) -> str:
    werkgroep, _, _ = await repo.create_werkgroep(session, "W", "armoede")
    campaign = Campaign(
        werkgroep_id=werkgroep.id,
        audience="jongeren",
        step_key="stap-3",
        flow_id="armoede.stap-3.jongeren",
        token_hash=repo.new_token(),
        created_at=utcnow() - timedelta(days=opened_days_ago),
    )
    session.add(campaign)
    await session.flush()
    session.add(FeedbackOptIn(campaign_id=campaign.id, lookup=f"{n:064x}", chat="sealed"))
    return campaign.id


async def test_retention_deletes_the_opt_ins_of_campaigns_opened_too_long_ago(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Opened 400 days ago (retention 365): its opt-in goes; opened 10 days ago: it stays."""
    async with sessions.begin() as session:
        await _campaign_with_optin(session, 400, 1)
        recent = await _campaign_with_optin(session, 10, 2)
    async with sessions.begin() as session:
        report = await purge(session, retention_days=365)
    assert report.optins_deleted == 1
    async with sessions() as session:
        left = (await session.scalars(select(FeedbackOptIn.campaign_id))).all()
    assert left == [recent]
