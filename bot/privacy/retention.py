"""Retention: cut the pseudonym links of campaigns that are over, and forget what is no longer
needed. Run daily by the bot (job queue) and on demand by ``samenspraak privacy purge``.

A campaign is over when it was closed, when its closing date has passed, or when it has been
open for longer than the retention period (``SAMENSPRAAK_RETENTION_DAYS``): answers stay,
anonymous; what could tie them to a Telegram user goes for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import repo
from storage.admin import cut_links
from storage.models import Campaign, ChatSession, utcnow

# Telegram redelivers an update for at most 24 hours; keep processed ids a little longer.
UPDATE_IDS_KEPT = timedelta(days=2)


@dataclass(frozen=True)
class PurgeReport:
    campaigns_closed: int
    campaigns_cut: int
    pseudonyms_erased: int
    conversations_deleted: int
    sessions_deleted: int
    update_ids_deleted: int


async def purge(
    session: AsyncSession, retention_days: int, now: datetime | None = None
) -> PurgeReport:
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    expired = await session.execute(
        update(Campaign)
        .where(
            Campaign.closed_at.is_(None),
            or_(Campaign.closes_on < now.date(), Campaign.created_at < cutoff),
        )
        .values(closed_at=now)
        .execution_options(synchronize_session="fetch")
    )
    to_cut = (
        await session.scalars(
            select(Campaign.id).where(
                Campaign.closed_at.is_not(None), Campaign.links_cut_at.is_(None)
            )
        )
    ).all()
    erased = deleted = 0
    for campaign_id in to_cut:
        cut = await cut_links(session, campaign_id, now)
        erased += cut.pseudonyms
        deleted += cut.conversations
    # A chat session of someone who is not a werkgroep member holds only a pseudonym and a
    # language preference; after the retention period it is not needed any more.
    sessions = await session.execute(
        delete(ChatSession).where(
            and_(ChatSession.member_id.is_(None), ChatSession.updated_on < cutoff.date())
        )
    )
    updates = await repo.forget_updates_before(session, (now - UPDATE_IDS_KEPT).date())
    if to_cut or expired.rowcount:  # type: ignore[attr-defined]
        await repo.audit(session, "retention", "privacy.purge", None, campaigns=len(to_cut))
    return PurgeReport(
        campaigns_closed=int(expired.rowcount),  # type: ignore[attr-defined]
        campaigns_cut=len(to_cut),
        pseudonyms_erased=erased,
        conversations_deleted=deleted,
        sessions_deleted=int(sessions.rowcount),  # type: ignore[attr-defined]
        update_ids_deleted=updates,
    )
