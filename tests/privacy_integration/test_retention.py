"""Retention on SQLite and PostgreSQL: campaigns that are over lose their pseudonym links."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.privacy.retention import purge
from storage import repo
from storage.models import Answer, Campaign, ChatSession, ConversationRow, Participant, utcnow


async def _campaign_with_answer(session: AsyncSession, **fields: object) -> str:
    werkgroep, _, _ = await repo.create_werkgroep(session, "W", "armoede")
    campaign = Campaign(
        werkgroep_id=werkgroep.id,
        audience="ouders",
        step_key="stap-3",
        flow_id="armoede.stap-3.ouders",
        token_hash=repo.new_token(),
        **fields,
    )
    session.add(campaign)
    await session.flush()
    participant = await repo.participant_for(session, campaign.id, "f" * 64)
    assert participant is not None
    session.add(
        ConversationRow(
            flow_id="f", flow_digest="d", state="a", data={}, participant_id=participant.id
        )
    )
    await repo.store_participant_answer(session, participant, "zorgen", "geld", free_text=True)
    return campaign.id


async def test_expired_and_closed_campaigns_are_cut(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A campaign past its closing date is closed and cut; an open one keeps its links."""
    async with sessions.begin() as session:
        expired = await _campaign_with_answer(session, closes_on=date.today() - timedelta(days=1))
        still_open = await _campaign_with_answer(
            session, closes_on=date.today() + timedelta(days=5)
        )
    async with sessions.begin() as session:
        report = await purge(session, retention_days=365)
    assert report.campaigns_closed == 1 and report.campaigns_cut == 1
    assert report.pseudonyms_erased == 1 and report.conversations_deleted == 1
    async with sessions() as session:
        pseudonyms = dict(
            (await session.execute(select(Participant.campaign_id, Participant.pseudonym))).all()
        )
        answers = (await session.scalars(select(Answer.campaign_id))).all()
    assert pseudonyms[expired] is None and pseudonyms[still_open] == "f" * 64
    assert sorted(answers) == sorted([expired, still_open])  # answers stay, anonymous


async def test_retention_period_cuts_long_open_campaigns_and_stale_sessions(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A campaign open longer than the retention period is cut; old participant sessions go."""
    async with sessions.begin() as session:
        old = await _campaign_with_answer(session, created_at=utcnow() - timedelta(days=40))
        session.add(
            ChatSession(subject="a" * 64, context={}, updated_on=date.today() - timedelta(days=40))
        )
        await repo.claim_update(session, 1)
    async with sessions.begin() as session:
        report = await purge(session, retention_days=30, now=utcnow() + timedelta(days=3))
    assert report.campaigns_cut == 1 and report.sessions_deleted == 1
    assert report.update_ids_deleted == 1
    async with sessions() as session:
        campaign = await session.get(Campaign, old)
        assert campaign is not None and campaign.links_cut_at is not None
