"""Queries for running werkgroepen and campaigns: overviews, counts, closing, cutting links.

Every function takes an open ``AsyncSession``; the caller owns the transaction (as in
:mod:`storage.repo`). Counts are computed by the database (``COUNT``/``SUM``), never by loading
rows, so an overview of a campaign with thousands of respondents stays one small query.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Campaign,
    ChatSession,
    Contribution,
    ConversationRow,
    Member,
    Participant,
    Werkgroep,
    utcnow,
)
from storage.participants import rewrite_anonymously

COORDINATOR = "coordinator"


@dataclass(frozen=True)
class WerkgroepCounts:
    werkgroep: Werkgroep
    members: int
    coordinators: int
    campaigns: int
    open_campaigns: int


@dataclass(frozen=True)
class CampaignCounts:
    campaign: Campaign
    werkgroep_naam: str
    participants: int
    completed: int


@dataclass(frozen=True)
class CutLinks:
    """What :func:`cut_links` erased: pseudonyms set to NULL and conversation rows deleted."""

    pseudonyms: int
    conversations: int


def _open_on(day: date) -> ColumnElement[bool]:
    """SQL for "this campaign still takes answers on ``day``" (see repo.campaign_is_open)."""
    return and_(
        Campaign.closed_at.is_(None),
        or_(Campaign.closes_on.is_(None), Campaign.closes_on >= day),
    )


# --- werkgroepen and members ------------------------------------------------------------------


async def list_werkgroepen(session: AsyncSession, today: date) -> list[WerkgroepCounts]:
    """All werkgroepen with their active member and campaign counts, oldest first."""
    active = and_(Member.werkgroep_id == Werkgroep.id, Member.removed_at.is_(None))
    members = select(func.count(Member.id)).where(active).scalar_subquery()
    coordinators = (
        select(func.count(Member.id)).where(active, Member.role == COORDINATOR).scalar_subquery()
    )
    campaigns = (
        select(func.count(Campaign.id))
        .where(Campaign.werkgroep_id == Werkgroep.id)
        .scalar_subquery()
    )
    open_campaigns = (
        select(func.count(Campaign.id))
        .where(Campaign.werkgroep_id == Werkgroep.id, _open_on(today))
        .scalar_subquery()
    )
    result = await session.execute(
        select(Werkgroep, members, coordinators, campaigns, open_campaigns).order_by(
            Werkgroep.created_at, Werkgroep.id
        )
    )
    return [
        WerkgroepCounts(row[0], int(row[1]), int(row[2]), int(row[3]), int(row[4]))
        for row in result.all()
    ]


async def active_members(session: AsyncSession, werkgroep_id: str) -> Sequence[Member]:
    """Members who have not been removed: coordinators first, then in order of joining."""
    result = await session.scalars(
        select(Member)
        .where(Member.werkgroep_id == werkgroep_id, Member.removed_at.is_(None))
        .order_by(case((Member.role == COORDINATOR, 0), else_=1), Member.joined_at, Member.id)
    )
    return result.all()


async def active_member(
    session: AsyncSession, werkgroep_id: str, telegram_user_id: int
) -> Member | None:
    member: Member | None = await session.scalar(
        select(Member).where(
            Member.werkgroep_id == werkgroep_id,
            Member.telegram_user_id == telegram_user_id,
            Member.removed_at.is_(None),
        )
    )
    return member


async def count_coordinators(session: AsyncSession, werkgroep_id: str) -> int:
    count = await session.scalar(
        select(func.count(Member.id)).where(
            Member.werkgroep_id == werkgroep_id,
            Member.removed_at.is_(None),
            Member.role == COORDINATOR,
        )
    )
    return int(count or 0)


async def remove_member(session: AsyncSession, member: Member) -> None:
    """Mark a member removed; their contributions stay in the plan, attributed as before."""
    if member.removed_at is None:
        member.removed_at = utcnow()
        await session.flush()


async def delete_contributions(session: AsyncSession, member: Member) -> int:
    """Delete every plan contribution of one member; how many there were."""
    found = await session.scalar(
        select(func.count(Contribution.id)).where(Contribution.member_id == member.id)
    )
    await session.execute(delete(Contribution).where(Contribution.member_id == member.id))
    return int(found or 0)


async def contributors_per_step(session: AsyncSession, werkgroep_id: str) -> dict[str, int]:
    """Per step key: how many members contributed at least one answer."""
    result = await session.execute(
        select(Contribution.step_key, func.count(func.distinct(Contribution.member_id)))
        .where(Contribution.werkgroep_id == werkgroep_id)
        .group_by(Contribution.step_key)
    )
    return {step: int(count) for step, count in result.all()}


async def finished_per_flow(session: AsyncSession, werkgroep_id: str) -> dict[str, int]:
    """Per flow id: how many members of the werkgroep finished that flow's conversation."""
    result = await session.execute(
        select(ConversationRow.flow_id, func.count(func.distinct(ConversationRow.member_id)))
        .join(Member, Member.id == ConversationRow.member_id)
        .where(Member.werkgroep_id == werkgroep_id, ConversationRow.finished.is_(True))
        .group_by(ConversationRow.flow_id)
    )
    return {flow_id: int(count) for flow_id, count in result.all()}


# --- campaigns --------------------------------------------------------------------------------


async def campaigns_with_counts(
    session: AsyncSession, werkgroep_id: str | None = None, campaign_id: str | None = None
) -> list[CampaignCounts]:
    """Campaigns (of one werkgroep, or one campaign, or all) with respondent counts.

    ``participants`` counts everyone who started; ``completed`` those who reached the end.
    Both survive :func:`cut_links`, which erases the link to a person, not the row.
    """
    counts = (
        select(
            Participant.campaign_id.label("campaign_id"),
            func.count(Participant.id).label("participants"),
            func.sum(case((Participant.completed.is_(True), 1), else_=0)).label("completed"),
        )
        .group_by(Participant.campaign_id)
        .subquery()
    )
    statement = (
        select(
            Campaign,
            Werkgroep.naam,
            func.coalesce(counts.c.participants, 0),
            func.coalesce(counts.c.completed, 0),
        )
        .join(Werkgroep, Werkgroep.id == Campaign.werkgroep_id)
        .outerjoin(counts, counts.c.campaign_id == Campaign.id)
        .order_by(Campaign.created_at, Campaign.id)
    )
    if werkgroep_id is not None:
        statement = statement.where(Campaign.werkgroep_id == werkgroep_id)
    if campaign_id is not None:
        statement = statement.where(Campaign.id == campaign_id)
    result = await session.execute(statement)
    return [CampaignCounts(row[0], row[1], int(row[2]), int(row[3])) for row in result.all()]


async def next_round(session: AsyncSession, werkgroep_id: str, step_key: str, today: date) -> int:
    """The round a new campaign for this step belongs to.

    Campaigns opened while another one for the same step is still open (jongeren and ouders,
    or several schools) form one round; once all have closed, the next campaign starts a new
    round, so step 6 and *leren en verbeteren* can compare rounds.
    """
    same_step = and_(Campaign.werkgroep_id == werkgroep_id, Campaign.step_key == step_key)
    open_round = await session.scalar(
        select(func.max(Campaign.round)).where(same_step, _open_on(today))
    )
    if open_round is not None:
        return int(open_round)
    last = await session.scalar(select(func.max(Campaign.round)).where(same_step))
    return int(last or 0) + 1


async def open_duplicates(
    session: AsyncSession,
    werkgroep_id: str,
    audience: str,
    step_key: str,
    label: str | None,
    today: date,
) -> int:
    """How many campaigns for the same step, audience and label still take answers."""
    same_label = Campaign.label.is_(None) if label is None else Campaign.label == label
    found = await session.scalar(
        select(func.count(Campaign.id)).where(
            Campaign.werkgroep_id == werkgroep_id,
            Campaign.audience == audience,
            Campaign.step_key == step_key,
            same_label,
            _open_on(today),
        )
    )
    return int(found or 0)


async def cut_links(
    session: AsyncSession,
    campaign_id: str,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> CutLinks:
    """Erase for good what ties a campaign's answers to a Telegram user.

    The pseudonym (keyed hash of the user id) goes, and so do the participants' conversation
    rows, whose state could otherwise be matched to a returning user. Answer and participant
    rows stay, anonymous, so the summary keeps its counts; on the first cut they are rewritten
    in random order with new ids (:func:`storage.participants.rewrite_anonymously`), so that
    neither storage order nor transaction ids re-link them. Safe to call again (retention jobs).
    """
    first_cut = await session.scalar(
        select(Campaign.id).where(Campaign.id == campaign_id, Campaign.links_cut_at.is_(None))
    )
    participant_ids = select(Participant.id).where(Participant.campaign_id == campaign_id)
    deleted = await session.execute(
        delete(ConversationRow)
        .where(ConversationRow.participant_id.in_(participant_ids))
        .execution_options(synchronize_session="fetch")
    )
    erased = await session.execute(
        update(Participant)
        .where(Participant.campaign_id == campaign_id, Participant.pseudonym.is_not(None))
        .values(pseudonym=None)
        .execution_options(synchronize_session="fetch")
    )
    await session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.links_cut_at.is_(None))
        .values(links_cut_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if first_cut is not None:
        await rewrite_anonymously(session, campaign_id, rng)
    return CutLinks(
        pseudonyms=int(erased.rowcount),  # type: ignore[attr-defined]
        conversations=int(deleted.rowcount),  # type: ignore[attr-defined]
    )


async def close_expired_campaigns(
    session: AsyncSession, now: datetime, opened_before: datetime
) -> int:
    """Close campaigns past their closing date or opened before ``opened_before``."""
    result = await session.execute(
        update(Campaign)
        .where(
            Campaign.closed_at.is_(None),
            or_(Campaign.closes_on < now.date(), Campaign.created_at < opened_before),
        )
        .values(closed_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def campaigns_to_cut(session: AsyncSession) -> list[str]:
    """Closed campaigns whose pseudonym links have not been cut yet."""
    result = await session.scalars(
        select(Campaign.id).where(Campaign.closed_at.is_not(None), Campaign.links_cut_at.is_(None))
    )
    return list(result.all())


async def forget_chat_sessions_before(session: AsyncSession, day: date) -> int:
    """Delete non-member chat sessions last used before ``day``."""
    result = await session.execute(
        delete(ChatSession).where(ChatSession.member_ref.is_(None), ChatSession.updated_on < day)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def close_campaign(
    session: AsyncSession, campaign: Campaign, rng: random.Random | None = None
) -> CutLinks:
    """Stop taking answers and cut the pseudonym links; closing twice changes nothing more."""
    now = utcnow()
    if campaign.closed_at is None:
        campaign.closed_at = now
        await session.flush()
    return await cut_links(session, campaign.id, now, rng)
