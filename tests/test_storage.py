"""Storage on SQLite and PostgreSQL: migrations, de-duplication, answers, contributions."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from storage import conversations, repo
from storage.db import current_revision, head_revision
from storage.models import (
    Answer,
    AnswerTheme,
    AuditEntry,
    Contribution,
    ConversationRow,
    Invite,
)
from tests import sql_trace
from tests.conftest import new_campaign, new_participant


async def test_migrations_are_current(db: AsyncEngine) -> None:
    """`db upgrade` leaves the database at the newest migration."""
    assert await current_revision(db) == head_revision()


async def test_sqlite_runs_in_wal_mode(db: AsyncEngine) -> None:
    """SQLite databases use write-ahead logging so readers do not block the writer."""
    if db.dialect.name != "sqlite":
        return
    async with db.connect() as connection:
        mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
    assert mode == "wal"


async def test_claim_update_only_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The same update id is claimed once; a redelivery is recognised."""
    async with sessions.begin() as session:
        assert await repo.claim_update(session, 42) is True
    async with sessions.begin() as session:
        assert await repo.claim_update(session, 42) is False
        assert await repo.claim_update(session, 43) is True


async def test_werkgroep_invites_are_stored_hashed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Invite tokens are long and random; only their hash is stored, and revoking works."""
    async with sessions.begin() as session:
        werkgroep, coordinator, member = await repo.create_werkgroep(session, "Velsen", "armoede")
    assert len(coordinator) >= 22 and coordinator != member
    async with sessions.begin() as session:
        hashes = set((await session.scalars(select(Invite.token_hash))).all())
        assert coordinator not in hashes and repo.hash_token(coordinator) in hashes
        invite = await repo.find_invite(session, member)
        assert invite is not None and invite.role == "member"
        assert await repo.revoke_invites(session, werkgroep.id, "member") == 1
    async with sessions.begin() as session:
        invite = await repo.find_invite(session, member)
        assert invite is not None and invite.revoked_at is not None


async def test_participant_answers_replace_and_withdraw(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Answering again replaces; a multi choice is a row per option; skipping removes."""
    async with sessions.begin() as session:
        campaign = await new_campaign(session)
        participant = await repo.participant_for(session, campaign.id, "p" * 64)
        assert participant is not None
        await repo.store_participant_answer(
            session,
            participant,
            "zorgen",
            "geen geld",
            free_text=True,
            crisis=False,
            themes=["geld"],
        )
        await repo.store_participant_answer(
            session, participant, "zorgen", "school", free_text=True, themes=["school"]
        )
        await repo.store_participant_answer(
            session, participant, "hulp", ["a", "b"], free_text=False
        )
        await repo.store_participant_answer(session, participant, "cijfer", 4, free_text=False)
        await repo.store_participant_answer(session, participant, "cijfer", None, free_text=False)
    async with sessions.begin() as session:
        rows = (
            await session.scalars(select(Answer).order_by(Answer.question_id, Answer.value_option))
        ).all()
        assert [(r.question_id, r.value_option, r.value_text) for r in rows] == [
            ("hulp", "a", None),
            ("hulp", "b", None),
            ("zorgen", None, "school"),
        ]
        themes = (await session.scalars(select(AnswerTheme.theme))).all()
        assert themes == ["school"]
        again = await repo.participant_for(session, campaign.id, "p" * 64, create=False)
        assert again is not None and again.id == participant.id


async def test_conversation_state_roundtrip_and_version(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """State and data survive a reload; every save bumps the optimistic version."""
    async with sessions.begin() as session:
        row = await conversations.create(
            session, flow_id="f", flow_digest="d", state="a", data={}, finished=False
        )
    async with sessions.begin() as session:
        loaded = await conversations.load(session, row.id)
        assert loaded is not None
        await conversations.save(session, loaded, "end", {"answers": {"a": ["x"]}}, finished=True)
    async with sessions.begin() as session:
        stored = await session.get(ConversationRow, row.id)
        assert stored is not None
        assert (stored.state, stored.data, stored.finished, stored.version) == (
            "end",
            {"answers": {"a": ["x"]}},
            True,
            2,
        )
        assert stored.finished_on is not None


async def test_a_save_from_a_stale_read_fails_and_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Two saves from the same read: the second raises and the first one's state stays."""
    async with sessions.begin() as session:
        row = await conversations.create(
            session, flow_id="f", flow_digest="d", state="q1", data={}, finished=False
        )
    async with sessions.begin() as session:
        first = await conversations.load(session, row.id)
        assert first is not None
        stale = replace(first)
        await conversations.save(session, first, "q2", {"n": 1}, finished=False)
        with pytest.raises(StaleDataError):
            await conversations.save(session, stale, "q9", {"n": 9}, finished=False)
    async with sessions.begin() as session:
        stored = await session.get(ConversationRow, row.id)
        assert stored is not None and (stored.state, stored.data) == ("q2", {"n": 1})


async def test_contribution_upsert_and_audit(sessions: async_sessionmaker[AsyncSession]) -> None:
    """A member's answer is attributed and replaced on re-answer; audit entries are kept."""
    async with sessions.begin() as session:
        werkgroep, _, _ = await repo.create_werkgroep(session, "W", "armoede")
        member = await repo.join_werkgroep(session, werkgroep.id, 1001, "member")
        await repo.store_contribution(session, member, "f", "stap-1", "q", "eerste")
        await repo.store_contribution(session, member, "f", "stap-1", "q", "tweede")
        await repo.audit(session, "cli", "export", werkgroep.id, format="md")
    async with sessions.begin() as session:
        values = (await session.scalars(select(Contribution.value))).all()
        assert values == [{"value": "tweede"}]
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 1
        upgraded = await repo.join_werkgroep(session, werkgroep.id, 1001, "coordinator")
        assert upgraded.id == member.id and upgraded.role == "coordinator"


async def test_loading_a_conversation_brings_its_participant_along(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Storing an answer needs the participant's campaign: it comes with the conversation's
    read, so the hot path asks the database once for both."""
    async with sessions.begin() as session:
        participant = await new_participant(session)
        row = await conversations.create(
            session,
            flow_id="f",
            flow_digest="d",
            state="q1",
            data={},
            finished=False,
            participant_id=participant.id,
        )
        conversation_id, participant_id = row.id, participant.id
    async with sessions.begin() as session:
        with sql_trace.statements(session.bind.sync_engine) as statements:
            loaded = await conversations.load(session, conversation_id)
        assert loaded is not None and loaded.participant_id == participant_id
        assert loaded.campaign_id == participant.campaign_id
        assert [s.split()[0] for s in statements if s != "BEGIN IMMEDIATE"] == ["SELECT"]
