"""Werkgroep memberships as a chat session refers to them (by a keyed reference)."""

from __future__ import annotations

import hmac
from collections.abc import Callable

from storage import Session, repo
from storage.models import Member


async def active_by_ref(
    session: Session, telegram_user_id: int, ref: str, ref_of: Callable[[str], str]
) -> Member | None:
    """The user's active membership whose keyed reference is ``ref`` (``ref_of(member.id)``)."""
    for member in await repo.memberships(session, telegram_user_id):
        if hmac.compare_digest(ref_of(member.id), ref):
            return member
    return None
