"""Repository functions of the chat dialog and its scheduled jobs (reminders, erasure)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from storage import Session
from storage.models import ConversationRow, Member, Participant, Werkgroep

DEFAULT_REMINDER_DAYS = 90


async def member_progress(session: Session, member_id: str) -> dict[str, bool]:
    """Flow id → finished, for every conversation a member started."""
    rows = await session.scalars(
        select(ConversationRow).where(ConversationRow.member_id == member_id)
    )
    return {row.flow_id: row.finished for row in rows}


async def werkgroep_names(session: Session, werkgroep_ids: Iterable[str]) -> dict[str, str]:
    rows = await session.scalars(select(Werkgroep).where(Werkgroep.id.in_(list(werkgroep_ids))))
    return {werkgroep.id: werkgroep.naam for werkgroep in rows}


async def erase_participations(session: Session, pseudonym: str) -> int:
    """Delete every participation still linked to ``pseudonym``; returns how many.

    Deleting a participant cascades to its answers and conversations; campaigns whose link was
    already cut by retention are not found, by design.
    """
    ids = (
        await session.scalars(select(Participant.id).where(Participant.pseudonym == pseudonym))
    ).all()
    if ids:
        await session.execute(delete(Participant).where(Participant.id.in_(ids)))
    return len(ids)


async def due_reminders(
    session: Session, now: datetime, default_locale: str
) -> list[tuple[int, str]]:
    """Members to remind now (Telegram user id, locale); moves each werkgroep's next date on."""
    werkgroepen = (
        await session.scalars(
            select(Werkgroep)
            .where(Werkgroep.reminder_due_at.is_not(None), Werkgroep.reminder_due_at <= now)
            .with_for_update()
        )
    ).all()
    due: list[tuple[int, str]] = []
    for werkgroep in werkgroepen:
        members = await session.scalars(
            select(Member).where(Member.werkgroep_id == werkgroep.id, Member.removed_at.is_(None))
        )
        due.extend((m.telegram_user_id, m.locale or default_locale) for m in members)
        werkgroep.reminder_due_at = now + timedelta(
            days=werkgroep.reminder_days or DEFAULT_REMINDER_DAYS
        )
    return due
