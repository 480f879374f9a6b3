"""Retention: cut the pseudonym links of campaigns that are over, and forget what is no longer
needed. Run daily by the bot (job queue) and on demand by ``samenspraak privacy purge``.

A campaign is over when it was closed, when its closing date has passed, or when it has been
open for longer than the retention period (``SAMENSPRAAK_RETENTION_DAYS``): answers stay,
anonymous; what could tie them to a Telegram user goes for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage import Session, repo
from storage.admin import (
    campaigns_to_cut,
    close_expired_campaigns,
    cut_links,
    forget_chat_sessions_before,
)
from storage.feedback import forget_optins_before
from storage.models import utcnow

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
    # Feedback opt-ins (#17.5) of campaigns opened longer ago than the retention period.
    optins_deleted: int = 0


async def purge(session: Session, retention_days: int, now: datetime | None = None) -> PurgeReport:
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    closed = await close_expired_campaigns(session, now, cutoff)
    to_cut = await campaigns_to_cut(session)
    erased = deleted = 0
    for campaign_id in to_cut:
        # Each cut also rewrites the campaign's rows in random order (storage order forgets).
        cut = await cut_links(session, campaign_id, now)
        erased += cut.pseudonyms
        deleted += cut.conversations
    # A chat session of someone who is not a werkgroep member holds only a chat key and a
    # language preference; after the retention period it is not needed any more.
    sessions = await forget_chat_sessions_before(session, cutoff.date())
    updates = await repo.forget_updates_before(session, (now - UPDATE_IDS_KEPT).date())
    optins = await forget_optins_before(session, cutoff)
    if to_cut or closed:
        await repo.audit(session, "retention", "privacy.purge", None, campaigns=len(to_cut))
    return PurgeReport(
        campaigns_closed=closed,
        campaigns_cut=len(to_cut),
        pseudonyms_erased=erased,
        conversations_deleted=deleted,
        sessions_deleted=sessions,
        update_ids_deleted=updates,
        optins_deleted=optins,
    )
