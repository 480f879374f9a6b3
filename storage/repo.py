"""Repository functions: each takes an open ``AsyncSession``; the caller owns the transaction.

The Telegram edge calls several of these in one transaction per update and commits once, so an
answer, the conversation state and the processed update id land together or not at all.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, Protocol, cast

from sqlalchemy import Table, bindparam, delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import fast
from storage.models import (
    Answer,
    AnswerTheme,
    AuditEntry,
    Campaign,
    ChatSession,
    Contribution,
    ConversationRow,
    Invite,
    Member,
    Participant,
    ProcessedUpdate,
    Werkgroep,
    new_id,
    today,
    utcnow,
)

TOKEN_BYTES = 24  # 192 bits; token_urlsafe gives 32 characters, within Telegram's 64 for /start


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Tokens are stored hashed: a leaked database does not hand out working invite links."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- updates ----------------------------------------------------------------------------------


# Plain SQL (valid on SQLite and PostgreSQL): SQLAlchemy cannot cache the compiled form of an
# ON CONFLICT insert, and this runs on every update.
CLAIM_UPDATE = text(
    "INSERT INTO processed_updates (update_id, processed_on) VALUES (:update_id, :day) "
    "ON CONFLICT DO NOTHING"
)
CREATE_CHAT_SESSION = text(
    "INSERT INTO chat_sessions (subject, context, updated_on) VALUES (:subject, '{}', :day) "
    "ON CONFLICT DO NOTHING"
)


async def claim_update(session: AsyncSession, update_id: int) -> bool:
    """Record ``update_id`` as processed; False when it was processed before (a redelivery)."""
    result = await fast.execute(session, CLAIM_UPDATE, {"update_id": update_id, "day": today()})
    return bool(result.rowcount)


async def forget_updates_before(session: AsyncSession, day: Any) -> int:
    """Telegram redelivers for at most 24 hours, so older ids need not be kept."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_on < day)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- chat sessions ----------------------------------------------------------------------------


async def chat_session(session: AsyncSession, subject: str) -> ChatSession:
    """The session row of a user, created on first contact; locked for this transaction.

    Insert-if-missing first, then lock: two replicas handling a new user's first two updates
    at once would otherwise both insert and one would fail.
    """
    locked = select(ChatSession).where(ChatSession.subject == subject).with_for_update()
    row = await session.scalar(locked)
    if row is None:
        await session.execute(CREATE_CHAT_SESSION, {"subject": subject, "day": today()})
        row = await session.scalar(locked)
    assert row is not None
    return row


# --- werkgroepen, invites, members ------------------------------------------------------------


async def create_werkgroep(
    session: AsyncSession, naam: str, template_id: str
) -> tuple[Werkgroep, str, str]:
    """Create a werkgroep with a coordinator and a member invite; return the tokens in clear."""
    werkgroep = Werkgroep(id=new_id(), naam=naam, template_id=template_id)
    session.add(werkgroep)
    await session.flush()
    coordinator_token = await create_invite(session, werkgroep.id, "coordinator")
    member_token = await create_invite(session, werkgroep.id, "member")
    return werkgroep, coordinator_token, member_token


async def create_invite(session: AsyncSession, werkgroep_id: str, role: str) -> str:
    token = new_token()
    session.add(Invite(werkgroep_id=werkgroep_id, role=role, token_hash=hash_token(token)))
    await session.flush()
    return token


async def find_invite(session: AsyncSession, token: str) -> Invite | None:
    invite: Invite | None = await session.scalar(
        select(Invite).where(Invite.token_hash == hash_token(token))
    )
    return invite


async def revoke_invites(session: AsyncSession, werkgroep_id: str, role: str) -> int:
    result = await session.execute(
        update(Invite)
        .where(
            Invite.werkgroep_id == werkgroep_id, Invite.role == role, Invite.revoked_at.is_(None)
        )
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def memberships(session: AsyncSession, telegram_user_id: int) -> Sequence[Member]:
    result = await session.scalars(
        select(Member)
        .where(Member.telegram_user_id == telegram_user_id, Member.removed_at.is_(None))
        .order_by(Member.joined_at)
    )
    return result.all()


async def join_werkgroep(
    session: AsyncSession, werkgroep_id: str, telegram_user_id: int, role: str
) -> Member:
    """Add (or re-activate) a member; a coordinator invite upgrades an existing member."""
    member = await session.scalar(
        select(Member).where(
            Member.werkgroep_id == werkgroep_id, Member.telegram_user_id == telegram_user_id
        )
    )
    if member is None:
        member = Member(werkgroep_id=werkgroep_id, telegram_user_id=telegram_user_id, role=role)
        session.add(member)
    else:
        member.removed_at = None
        if role == "coordinator":
            member.role = "coordinator"
    await session.flush()
    return member


# --- campaigns and participants ---------------------------------------------------------------


async def find_campaign(session: AsyncSession, token: str) -> Campaign | None:
    campaign: Campaign | None = await session.scalar(
        select(Campaign).where(Campaign.token_hash == hash_token(token))
    )
    return campaign


def campaign_is_open(campaign: Campaign, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if campaign.closed_at is not None:
        return False
    return campaign.closes_on is None or now.date() <= campaign.closes_on


async def participant_for(
    session: AsyncSession, campaign_id: str, pseudonym: str, create: bool = True
) -> Participant | None:
    participant = await session.scalar(
        select(Participant).where(
            Participant.campaign_id == campaign_id, Participant.pseudonym == pseudonym
        )
    )
    if participant is None and create:
        participant = Participant(id=new_id(), campaign_id=campaign_id, pseudonym=pseudonym)
        session.add(participant)
        await session.flush()
    return participant


# --- conversations ----------------------------------------------------------------------------


async def open_conversation_for(
    session: AsyncSession,
    *,
    participant_id: str | None = None,
    member_id: str | None = None,
    flow_id: str | None = None,
) -> ConversationRow | None:
    statement = select(ConversationRow).where(ConversationRow.finished.is_(False))
    if participant_id is not None:
        statement = statement.where(ConversationRow.participant_id == participant_id)
    if member_id is not None:
        statement = statement.where(ConversationRow.member_id == member_id)
    if flow_id is not None:
        statement = statement.where(ConversationRow.flow_id == flow_id)
    row: ConversationRow | None = await session.scalar(statement.limit(1))
    return row


# --- answers ----------------------------------------------------------------------------------


class ParticipantKey(NamedTuple):
    """What storing an answer needs of a participant (the ORM ``Participant`` has both too)."""

    id: str
    campaign_id: str


class _AnswersFor(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def campaign_id(self) -> str: ...


async def store_participant_answer(
    session: AsyncSession,
    participant: _AnswersFor,
    question_id: str,
    value: Any,
    *,
    free_text: bool,
    crisis: bool = False,
    themes: Iterable[str] = (),
    replaces: bool = True,
) -> None:
    """Replace a participant's answer to a question (a multiple choice is one row per option).

    ``free_text`` says a str is typed text (stored redacted, theme-tagged) rather than an option;
    a ``crisis`` one gets no theme.

    ``value`` None (skipped) removes a previous answer and stores nothing. ``replaces`` False:
    the caller knows there is no stored answer to this question (the conversation's own record
    of its answers says so), so the DELETE that would find nothing is not sent.
    """
    if replaces:
        await withdraw_participant_answer(session, participant.id, question_id)
    if value is None:
        return
    if isinstance(value, bool):
        raise TypeError("answers are str, int or list[str]")
    options: list[str | None] = [None]
    number: int | None = None
    text_value: str | None = None
    if isinstance(value, list):
        options = [str(option) for option in value]
    elif isinstance(value, int):
        number = value
    elif free_text:
        text_value = str(value)
    else:
        options = [str(value)]
    day = today()
    # Core statements, not the unit of work: an answer is written on every event of the hot
    # path and nothing in the transaction reads these rows back as objects.
    rows = [
        {
            "id": new_id(),
            "campaign_id": participant.campaign_id,
            "participant_id": participant.id,
            "question_id": question_id,
            "value_option": option,
            "value_number": number,
            "value_text": text_value,
            "crisis": crisis and text_value is not None,
            "answered_on": day,
        }
        for option in options
    ]
    if not rows:  # a multiple choice with nothing chosen
        return
    await fast.execute(session, INSERT_ANSWERS, rows)
    # A crisis disclosure is counted only as an answer with a worry signal: no theme, no
    # "overig" (theme_counts leaves such answers out as well).
    if text_value is not None and not crisis and themes:
        await fast.execute(
            session,
            INSERT_ANSWER_THEMES,
            [
                {
                    "answer_id": rows[0]["id"],
                    "theme": theme,
                    "campaign_id": participant.campaign_id,
                    "question_id": question_id,
                }
                for theme in sorted(set(themes))
            ],
        )


# The tables behind the models, for Core inserts on the hot path.
_ANSWERS = cast(Table, Answer.__table__)
_ANSWER_THEMES = cast(Table, AnswerTheme.__table__)
INSERT_ANSWERS = insert(_ANSWERS)
INSERT_ANSWER_THEMES = insert(_ANSWER_THEMES)
WITHDRAW_ANSWER = delete(_ANSWERS).where(
    _ANSWERS.c.participant_id == bindparam("participant_id"),
    _ANSWERS.c.question_id == bindparam("question_id"),
)


async def withdraw_participant_answer(
    session: AsyncSession, participant_id: str, question_id: str
) -> None:
    parameters = {"participant_id": participant_id, "question_id": question_id}
    await fast.execute(session, WITHDRAW_ANSWER, parameters)


async def store_contribution(
    session: AsyncSession, member: Member, flow_id: str, step_key: str, question_id: str, value: Any
) -> None:
    existing = await session.scalar(
        select(Contribution).where(
            Contribution.member_id == member.id,
            Contribution.flow_id == flow_id,
            Contribution.question_id == question_id,
        )
    )
    if value is None:
        if existing is not None:
            await session.delete(existing)
        return
    if existing is None:
        session.add(
            Contribution(
                werkgroep_id=member.werkgroep_id,
                member_id=member.id,
                flow_id=flow_id,
                step_key=step_key,
                question_id=question_id,
                value={"value": value},
            )
        )
    else:
        existing.value = {"value": value}


# --- audit ------------------------------------------------------------------------------------


async def audit(
    session: AsyncSession, actor: str, action: str, werkgroep_id: str | None = None, **detail: Any
) -> None:
    session.add(AuditEntry(actor=actor, action=action, werkgroep_id=werkgroep_id, detail=detail))
