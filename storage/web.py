"""Read-only look-ups for the browser edge: where a web session stands, and campaign links.

The web page renders its chrome (language, the hidden question token, the Stop and Verder
buttons) from this, outside the dialog's transaction; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Campaign, ChatSession, ConversationRow, Invite
from storage.repo import hash_token


@dataclass(frozen=True)
class SessionView:
    locale: str | None = None
    mode: str | None = None
    paused: bool = False
    # The active, unfinished conversation: its id, state and number of answered steps.
    conversation_id: str | None = None
    state: str | None = None
    answered: int = 0


async def session_view(session: AsyncSession, subject: str) -> SessionView:
    # Read from the database: the dialog writes these rows with Core statements, so an object
    # of the unit of work would be out of date.
    chat = await session.get(ChatSession, subject, populate_existing=True)
    if chat is None:
        return SessionView()
    # The typed chat state (bot/chat/state.py) stores a pause as mode "paused".
    paused = chat.mode == "paused"
    view = SessionView(chat.locale, chat.mode, paused)
    if chat.conversation_id is None:
        return view
    row = await session.get(ConversationRow, chat.conversation_id, populate_existing=True)
    if row is None or row.finished:
        return view
    return SessionView(
        chat.locale,
        chat.mode,
        paused,
        row.id,
        row.state,
        len(row.data.get("history", [])),
    )


async def link_target(session: AsyncSession, token: str) -> Campaign | Invite | None:
    """The campaign or werkgroep invite a link token belongs to (tokens are stored hashed)."""
    hashed = hash_token(token)
    campaign: Campaign | None = await session.scalar(
        select(Campaign).where(Campaign.token_hash == hashed)
    )
    if campaign is not None:
        return campaign
    invite: Invite | None = await session.scalar(select(Invite).where(Invite.token_hash == hashed))
    return invite
