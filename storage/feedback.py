"""Closing the loop (#17.5): feedback opt-ins and the feedback a coordinator writes back.

Opt-ins live in their own table with nothing that joins them to answers, participants or chat
sessions (see :mod:`bot.privacy.optin` for what the two keyed columns are). Every function takes
an open session; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select, update

from storage import Session
from storage.models import (
    Campaign,
    CampaignFeedback,
    ChatSession,
    FeedbackOptIn,
    Member,
    Werkgroep,
    today,
)

DRAFT = "draft"
SENDING = "sending"
SENT = "sent"


# --- opt-ins ----------------------------------------------------------------------------------


async def add_optin(session: Session, campaign_id: str, lookup: str, chat: str) -> bool:
    """Store an opt-in; ``False`` when this person already opted in for the campaign."""
    if await session.scalar(select(FeedbackOptIn.id).where(FeedbackOptIn.lookup == lookup)):
        return False
    session.add(FeedbackOptIn(campaign_id=campaign_id, lookup=lookup, chat=chat))
    await session.flush()
    return True


async def has_optin(session: Session, lookup: str) -> bool:
    found = await session.scalar(select(FeedbackOptIn.id).where(FeedbackOptIn.lookup == lookup))
    return found is not None


async def optin_count(session: Session, campaign_id: str) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(FeedbackOptIn)
        .where(FeedbackOptIn.campaign_id == campaign_id)
    )
    return int(count or 0)


async def campaigns_with_optins(session: Session) -> list[str]:
    """The campaigns that have opt-ins (erasure recomputes one look-up per campaign)."""
    rows = await session.scalars(select(FeedbackOptIn.campaign_id).distinct())
    return list(rows)


async def delete_optins(session: Session, lookups: Collection[str]) -> int:
    if not lookups:
        return 0
    result = await session.execute(delete(FeedbackOptIn).where(FeedbackOptIn.lookup.in_(lookups)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def claim_optins(session: Session, campaign_id: str, limit: int) -> list[str]:
    """Take up to ``limit`` opt-ins of the campaign: delete them and return their encrypted
    chats. Each row is deleted on its own and counted only when this transaction deleted it,
    so two bot replicas never both send to one person."""
    rows = (
        await session.execute(
            select(FeedbackOptIn.id, FeedbackOptIn.chat)
            .where(FeedbackOptIn.campaign_id == campaign_id)
            .limit(limit)
        )
    ).all()
    claimed = []
    for optin_id, chat in rows:
        result = await session.execute(delete(FeedbackOptIn).where(FeedbackOptIn.id == optin_id))
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(chat)
    return claimed


async def forget_optins_before(session: Session, cutoff: datetime) -> int:
    """Retention: opt-ins of campaigns opened before ``cutoff`` are deleted, feedback or not."""
    old = select(Campaign.id).where(Campaign.created_at < cutoff)
    result = await session.execute(delete(FeedbackOptIn).where(FeedbackOptIn.campaign_id.in_(old)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- feedback ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """Feedback the bot is sending: to whom (a campaign's opt-ins) and in which register."""

    id: str
    campaign_id: str
    text: str
    audience: str
    werkgroep: str
    written_by: str


async def new_draft(session: Session, campaign_id: str, text: str, written_by: str) -> str:
    feedback = CampaignFeedback(
        campaign_id=campaign_id, text=text, status=DRAFT, written_by=written_by
    )
    session.add(feedback)
    await session.flush()
    return feedback.id


async def draft_of(
    session: Session, feedback_id: str, werkgroep_id: str
) -> CampaignFeedback | None:
    """A draft of a campaign of ``werkgroep_id`` (another werkgroep's is not found)."""
    feedback: CampaignFeedback | None = await session.scalar(
        select(CampaignFeedback)
        .join(Campaign, Campaign.id == CampaignFeedback.campaign_id)
        .where(
            CampaignFeedback.id == feedback_id,
            CampaignFeedback.status == DRAFT,
            Campaign.werkgroep_id == werkgroep_id,
        )
    )
    return feedback


def queue(feedback: CampaignFeedback) -> None:
    """Hand the feedback to the bot's sender (it sends to every opt-in of the campaign)."""
    feedback.status = SENDING


async def discard(session: Session, feedback: CampaignFeedback) -> None:
    await session.delete(feedback)


async def next_pending(session: Session) -> Pending | None:
    row = (
        await session.execute(
            select(
                CampaignFeedback.id,
                CampaignFeedback.campaign_id,
                CampaignFeedback.text,
                Campaign.audience,
                Werkgroep.naam,
                CampaignFeedback.written_by,
            )
            .join(Campaign, Campaign.id == CampaignFeedback.campaign_id)
            .join(Werkgroep, Werkgroep.id == Campaign.werkgroep_id)
            .where(CampaignFeedback.status == SENDING)
            .order_by(CampaignFeedback.created_on, CampaignFeedback.id)
            .limit(1)
        )
    ).first()
    return Pending(*row) if row is not None else None


async def mark_sent(session: Session, feedback_id: str, on: date | None = None) -> bool:
    """Mark queued feedback as sent; ``False`` when another sender already did."""
    result = await session.execute(
        update(CampaignFeedback)
        .where(CampaignFeedback.id == feedback_id, CampaignFeedback.status == SENDING)
        .values(status=SENT, sent_on=on or today())
    )
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


async def published(session: Session, campaign_id: str) -> list[tuple[str, date]]:
    """The campaign's sent feedback, newest first: (text, date sent)."""
    rows = await session.execute(
        select(CampaignFeedback.text, CampaignFeedback.sent_on)
        .where(CampaignFeedback.campaign_id == campaign_id, CampaignFeedback.status == SENT)
        .order_by(CampaignFeedback.sent_on.desc(), CampaignFeedback.id)
    )
    return [(text, sent_on) for text, sent_on in rows.all() if sent_on is not None]


async def writer_chat(session: Session, written_by: str) -> tuple[int, str | None] | None:
    """The Telegram user id and language of the coordinator who wrote the feedback (an audit
    actor ``member:<id>``); ``None`` for the command line."""
    kind, _, member_id = written_by.partition(":")
    member = await session.get(Member, member_id) if kind == "member" else None
    return (member.telegram_user_id, member.locale) if member is not None else None


async def locale_of(session: Session, subject: str) -> str | None:
    """The language a chat session chose (the sender writes the feedback frame in it)."""
    chosen: str | None = await session.scalar(
        select(ChatSession.locale).where(ChatSession.subject == subject)
    )
    return chosen
