"""SQLAlchemy 2 models.

Privacy shapes the schema (see ../shared/guide/privacy-and-safety.md):
- jongeren and ouders exist only as :class:`Participant` rows holding a keyed pseudonym, which
  is erased when their campaign closes; no Telegram id, chat id or name of theirs is stored;
- their rows carry dates, never times of day, and random (not sequential) ids;
- werkgroep members are professionals whose contributions are attributed, so :class:`Member`
  does hold their Telegram user id (needed to send them reminders) and name.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A random 128-bit id: reveals neither order nor time of creation."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return utcnow().date()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, datetime: DateTime(timezone=True)}


class Werkgroep(Base):
    __tablename__ = "werkgroepen"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    naam: Mapped[str] = mapped_column(String(200))
    template_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Periodic reflection (step 6, leren en verbeteren): remind members every N days.
    reminder_days: Mapped[int | None] = mapped_column(Integer, default=None)
    reminder_due_at: Mapped[datetime | None] = mapped_column(default=None)

    members: Mapped[list[Member]] = relationship(back_populates="werkgroep")
    campaigns: Mapped[list[Campaign]] = relationship(back_populates="werkgroep")


# A forwarded invite must not work for ever, nor for everyone who receives it.
INVITE_USES = 1
INVITE_VALID_DAYS = 14


def invite_expiry() -> datetime:
    return utcnow() + timedelta(days=INVITE_VALID_DAYS)


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    werkgroep_id: Mapped[str] = mapped_column(ForeignKey("werkgroepen.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))  # coordinator | member
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # How many more people may join with this invite; 0 means used up.
    uses_left: Mapped[int] = mapped_column(Integer, default=INVITE_USES)
    expires_at: Mapped[datetime] = mapped_column(default=invite_expiry)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("werkgroep_id", "telegram_user_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    werkgroep_id: Mapped[str] = mapped_column(ForeignKey("werkgroepen.id", ondelete="CASCADE"))
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    role: Mapped[str] = mapped_column(String(16))  # coordinator | member
    name: Mapped[str | None] = mapped_column(String(120), default=None)
    organisation: Mapped[str | None] = mapped_column(String(120), default=None)
    locale: Mapped[str | None] = mapped_column(String(8), default=None)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(default=None)

    werkgroep: Mapped[Werkgroep] = relationship(back_populates="members")


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    werkgroep_id: Mapped[str] = mapped_column(ForeignKey("werkgroepen.id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(String(16))  # jongeren | ouders
    step_key: Mapped[str] = mapped_column(String(32))
    flow_id: Mapped[str] = mapped_column(String(48))
    label: Mapped[str | None] = mapped_column(String(60), default=None)
    # The local schemes the werkgroep named ("Meedoenpas, Jeugdfonds Sport"): fills the flow's
    # {regelingen} placeholder; None: the flow's default text.
    regelingen: Mapped[str | None] = mapped_column(String(200), default=None)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closes_on: Mapped[date | None] = mapped_column(Date, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    # When the pseudonym links of this campaign's participants were erased for good.
    links_cut_at: Mapped[datetime | None] = mapped_column(default=None)

    werkgroep: Mapped[Werkgroep] = relationship(back_populates="campaigns")


class Participant(Base):
    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("campaign_id", "pseudonym"),
        Index("ix_participants_campaign_completed", "campaign_id", "completed"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    # HMAC-SHA256(pepper, telegram user id); NULL once the campaign's links are cut.
    pseudonym: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    created_on: Mapped[date] = mapped_column(Date, default=today)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)


class ConversationRow(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    flow_id: Mapped[str] = mapped_column(String(48))
    flow_digest: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    participant_id: Mapped[str | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), default=None, index=True
    )
    member_id: Mapped[str | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), default=None, index=True
    )
    finished: Mapped[bool] = mapped_column(Boolean, default=False)
    started_on: Mapped[date] = mapped_column(Date, default=today)
    finished_on: Mapped[date | None] = mapped_column(Date, default=None)
    # Optimistic concurrency: every save bumps it; a save from a stale read fails.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Answer(Base):
    """One answer of a participant; a multiple-choice answer is one row per chosen option."""

    __tablename__ = "answers"
    __table_args__ = (
        # Covering index for the summary: counts, crisis count, period and quote sample are
        # answered from the index alone (see storage/summary.py).
        Index(
            "ix_answers_summary",
            "campaign_id",
            "question_id",
            "value_option",
            "value_number",
            "crisis",
            "participant_id",
            "answered_on",
        ),
        Index("ix_answers_participant_question", "participant_id", "question_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(32))
    value_option: Mapped[str | None] = mapped_column(String(24), default=None)
    value_number: Mapped[int | None] = mapped_column(Integer, default=None)
    value_text: Mapped[str | None] = mapped_column(Text, default=None)  # redacted
    crisis: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_on: Mapped[date] = mapped_column(Date, default=today)


class AnswerTheme(Base):
    """Themes a free-text answer was tagged with when stored, so summaries count with SQL.

    Campaign and question are repeated from the answer so that theme counts are one
    ``GROUP BY`` over this table's index, without a join (one text answer per respondent and
    question, so a row count is a respondent count).
    """

    __tablename__ = "answer_themes"
    __table_args__ = (Index("ix_answer_themes_scope", "campaign_id", "question_id", "theme"),)

    answer_id: Mapped[str] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(32))


class AnswerTally(Base):
    """Respondents per campaign, question and answer value, kept by database triggers.

    The summary's first computation adds these rows up instead of counting distinct
    participants over every answer (``storage/summary.py``). Triggers on ``answers``
    (``storage/migrations/versions/0008_answer_tallies.py``) keep them right inside the
    transaction of every insert and delete, whichever code path runs it: storing, changing and
    skipping an answer, "Antwoorden veranderen", erasure, the cut and retention. A row counts
    a participant once per value (the triggers look for the participant's other rows first);
    a row that drops to zero is deleted, so an erased answer leaves no trace here.

    ``kind``: ``o`` an option (``key`` its value), ``n`` a scale number (``key`` the number),
    ``t`` free text (``key`` ""), each per crisis flag and answer date (the period of the
    summary); ``q`` the respondents of the question whatever they answered (``key`` "",
    ``day`` :data:`TALLY_EPOCH`), the base of a multiple choice. No time of day, no
    participant: nothing here is finer than the answers themselves. SQLite stores the rows in
    key order (``WITHOUT ROWID``), so their order says nothing about who answered first.
    """

    __tablename__ = "answer_tallies"
    __table_args__ = ({"sqlite_with_rowid": False},)

    campaign_id: Mapped[str] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    key: Mapped[str] = mapped_column(String(24), primary_key=True)
    crisis: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    respondents: Mapped[int] = mapped_column(Integer)


TALLY_EPOCH = date(2000, 1, 1)
"""The ``day`` of the per-question (``q``) tally rows, which are not split by date."""


class Contribution(Base):
    """A werkgroep member's answer to a question of a step: attributed by design."""

    __tablename__ = "contributions"
    # One answer per member, question, round and aanpak (rounds: migration 0004).
    __table_args__ = (UniqueConstraint("member_id", "flow_id", "question_id", "round", "subject"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    werkgroep_id: Mapped[str] = mapped_column(
        ForeignKey("werkgroepen.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    flow_id: Mapped[str] = mapped_column(String(48))
    step_key: Mapped[str] = mapped_column(String(32))
    question_id: Mapped[str] = mapped_column(String(32))
    value: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"value": <answer>}
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # --- rounds (#17.1, migration 0004) ---
    # Periodic steps (6, leren en verbeteren) are answered again each round; step 5 once per
    # named aanpak or interventie (``subject``, "" for none). Existing rows are round 1.
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    subject: Mapped[str] = mapped_column(String(120), default="", server_default="")


class AgreedAnswer(Base):
    __tablename__ = "agreed_answers"
    # One agreed answer per question, round and aanpak (rounds: migration 0004).
    __table_args__ = (
        UniqueConstraint("werkgroep_id", "step_key", "question_id", "round", "subject"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    werkgroep_id: Mapped[str] = mapped_column(ForeignKey("werkgroepen.id", ondelete="CASCADE"))
    step_key: Mapped[str] = mapped_column(String(32))
    question_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(120), default=None)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # --- rounds (#17.1, migration 0004): see Contribution ---
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    subject: Mapped[str] = mapped_column(String(120), default="", server_default="")


class ChatSession(Base):
    """Per-user chat state, keyed by the chat key of the principal (bot.privacy.pseudonym).

    ``mode`` says what free text means right now (e.g. a member typing their name);
    ``context`` holds small, non-identifying values for that mode.
    """

    __tablename__ = "chat_sessions"

    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    locale: Mapped[str | None] = mapped_column(String(8), default=None)
    conversation_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), default=None
    )
    # A keyed reference to the werkgroep membership in use (bot.privacy.pseudonym.member_ref),
    # not the member id: without the pepper no reader can tell whose chat session this is.
    member_ref: Mapped[str | None] = mapped_column(String(64), default=None)
    mode: Mapped[str | None] = mapped_column(String(32), default=None)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_on: Mapped[date] = mapped_column(Date, default=today, onupdate=today)


class ProcessedUpdate(Base):
    """Telegram may deliver an update twice; its id is written in the same transaction."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_on: Mapped[date] = mapped_column(Date, default=today, index=True)


class SummaryRelease(Base):
    """The last released figures of a summary scope, reused until ≥ k new respondents."""

    __tablename__ = "summary_releases"
    __table_args__ = (UniqueConstraint("werkgroep_id", "scope"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    werkgroep_id: Mapped[str] = mapped_column(ForeignKey("werkgroepen.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(120))
    respondents: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    released_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    werkgroep_id: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# --- rounds (#17.1, migration 0004) -----------------------------------------------------------


class WerkgroepRound(Base):
    """A round the werkgroep started for a step: its members answer the step again."""

    __tablename__ = "werkgroep_rounds"
    __table_args__ = (UniqueConstraint("werkgroep_id", "step_key", "round"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    werkgroep_id: Mapped[str] = mapped_column(ForeignKey("werkgroepen.id", ondelete="CASCADE"))
    step_key: Mapped[str] = mapped_column(String(32))
    round: Mapped[int] = mapped_column(Integer)
    started_on: Mapped[date] = mapped_column(Date, default=today)


# --- closing the loop (#17.5, migration 0005) ----------------------------------------------


class FeedbackOptIn(Base):
    """A participant asked to hear what the werkgroep does with the answers.

    Stored apart from the answers with nothing that joins them (bot/privacy/optin.py): its own
    random id, the campaign, the chat id encrypted under a key derived from the pepper, and a
    keyed look-up in its own domain (for erasure and against duplicates). No pseudonym and no
    date; deleted when the feedback was sent, on erasure, or after the retention period.
    """

    __tablename__ = "feedback_optins"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    campaign_id: Mapped[str] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    lookup: Mapped[str] = mapped_column(String(64), unique=True)
    chat: Mapped[str] = mapped_column(String(120))


class CampaignFeedback(Base):
    """What the werkgroep did with a campaign's answers, written by a coordinator.

    ``status``: ``draft`` (being previewed), ``sending`` (the bot sends it to the opt-ins),
    ``sent`` (done; the campaign's web page shows it).
    """

    __tablename__ = "campaign_feedback"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    campaign_id: Mapped[str] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    written_by: Mapped[str] = mapped_column(String(120))
    created_on: Mapped[date] = mapped_column(Date, default=today)
    sent_on: Mapped[date | None] = mapped_column(Date, default=None)


class OutboxEntry(Base):
    """The replies of one handled update, written in the same transaction as the answer and
    deleted once delivered (see ``storage.outbox``).

    ``chat`` is the chat id sealed with a random nonce (``bot.privacy.sealed``): it names nobody
    and no two rows share it. The id is sequential because replies must go out in order; the
    row is gone once they did. ``held_until``: the handling process delivers the row itself
    until then; afterwards any process's sender takes it over (a crash, a failed send).
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat: Mapped[bytes] = mapped_column(LargeBinary)
    body: Mapped[list[Any]] = mapped_column(JSON)
    held_until: Mapped[datetime] = mapped_column(index=True)
