"""Invites for coordinators and members: limited uses, an expiry, and no way back in.

A removed person cannot rejoin with any invite made before their removal (forwarded or kept);
only an invite made afterwards lets them in again, which is a coordinator's deliberate act.
Every function takes an open session; the caller owns the transaction.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import select, update

from storage import Session, repo
from storage.models import INVITE_USES, INVITE_VALID_DAYS, Invite, Member, utcnow


class Refused(enum.Enum):
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"
    USED_UP = "used_up"
    REMOVED = "removed"  # the person was removed after this invite was made


async def create(
    session: Session,
    werkgroep_id: str,
    role: str,
    *,
    uses: int = INVITE_USES,
    valid_days: int = INVITE_VALID_DAYS,
) -> tuple[str, Invite]:
    """A new invite; the token in clear is returned once, the database keeps its hash."""
    if uses < 1 or valid_days < 1:
        raise ValueError("an invite needs at least one use and one day")
    token = repo.new_token()
    invite = Invite(
        werkgroep_id=werkgroep_id,
        role=role,
        token_hash=repo.hash_token(token),
        uses_left=uses,
        expires_at=utcnow() + timedelta(days=valid_days),
    )
    session.add(invite)
    await session.flush()
    return token, invite


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; they were stored as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def usable(invite: Invite, now: datetime | None = None) -> bool:
    """Not revoked, not expired, not used up (a removed person is checked on redeeming)."""
    now = now or utcnow()
    return invite.revoked_at is None and invite.uses_left > 0 and _aware(invite.expires_at) > now


async def redeem(
    session: Session, token: str, telegram_user_id: int, now: datetime | None = None
) -> Member | Refused:
    """Join the invite's werkgroep, or say why not. An active member re-opening a link that
    is still valid is welcomed without using it up."""
    now = now or utcnow()
    invite = await repo.find_invite(session, token)
    if invite is None:
        return Refused.UNKNOWN
    if invite.revoked_at is not None:
        return Refused.REVOKED
    if _aware(invite.expires_at) <= now:
        return Refused.EXPIRED
    member: Member | None = await session.scalar(
        select(Member).where(
            Member.werkgroep_id == invite.werkgroep_id,
            Member.telegram_user_id == telegram_user_id,
        )
    )
    if member is not None and member.removed_at is not None:
        if _aware(member.removed_at) >= _aware(invite.created_at):
            return Refused.REMOVED
    elif member is not None and (member.role == invite.role or invite.role == "member"):
        return member  # already in, with at least this role: nothing to use up
    # Conditional decrement: two people racing for the last use cannot both get in.
    used = await session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.uses_left > 0)
        .values(uses_left=Invite.uses_left - 1)
        .execution_options(synchronize_session="fetch")
    )
    if not used.rowcount:  # type: ignore[attr-defined]
        return Refused.USED_UP
    joined = await repo.join_werkgroep(session, invite.werkgroep_id, telegram_user_id, invite.role)
    await repo.audit(
        session, f"member:{joined.id}", "joined", joined.werkgroep_id, role=invite.role
    )
    return joined
