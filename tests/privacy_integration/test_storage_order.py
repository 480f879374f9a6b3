"""A SELECT-only reader re-links participants through storage order (issue 15, item 3).

Each participant answers in its own transaction, which also updates their chat session (as the
bot does). Before the cut, PostgreSQL ``xmin`` and SQLite ``rowid`` pair chat sessions with
participant rows one to one. After the cut the rows are rewritten in random order: the same
attack is at chance level.
"""

from __future__ import annotations

import random

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin import service
from storage import admin as queries
from storage import repo
from storage.models import Answer, AnswerTheme, Campaign, ChatSession, Participant

PEOPLE = 8
SEED = 2026


def _order_column(session: AsyncSession) -> str:
    if session.bind.dialect.name == "postgresql":
        return "xmin::text::bigint, ctid"
    return "rowid"


async def _setup(sessions: async_sessionmaker[AsyncSession]) -> str:
    async with sessions.begin() as session:
        werkgroep, _, _ = await repo.create_werkgroep(session, "W", "armoede")
        campaign = Campaign(
            werkgroep_id=werkgroep.id,
            audience="jongeren",
            step_key="stap-3",
            flow_id="armoede.stap-3.jongeren",
            token_hash=repo.new_token(),
        )
        session.add(campaign)
    # People answer in an order unrelated to their chat-session keys.
    for person in range(PEOPLE):
        async with sessions.begin() as session:
            chat = await repo.chat_session(session, f"{person:02d}" + "c" * 62)
            chat.locale = "nl"
            participant = await repo.participant_for(session, campaign.id, f"{person:02d}" * 32)
            assert participant is not None
            await repo.store_participant_answer(
                session, participant, "leeftijd", person, free_text=False
            )
            await repo.store_participant_answer(
                session,
                participant,
                "zorgen",
                f"antwoord {person}",
                free_text=True,
                themes=["geld"],
            )
    return campaign.id


async def _relink(session: AsyncSession) -> int:
    """The attack: pair the i-th chat session with the i-th participant in storage order."""
    order = _order_column(session)
    subjects = list(
        await session.scalars(text(f"SELECT subject FROM chat_sessions ORDER BY {order}"))
    )
    participants = list(
        await session.scalars(text(f"SELECT id FROM participants ORDER BY {order}"))
    )
    truth = dict(
        (
            await session.execute(
                select(Answer.participant_id, Answer.value_number).where(
                    Answer.question_id == "leeftijd"
                )
            )
        ).all()
    )
    return sum(
        1
        for subject, participant in zip(subjects, participants, strict=True)
        if truth[participant] == int(subject[:2])
    )


async def test_storage_order_relinks_nobody_after_the_cut(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """8/8 re-linked while open (the attack works); at most 2/8 after closing, order changed."""
    campaign_id = await _setup(sessions)
    async with sessions() as session:
        assert await _relink(session) == PEOPLE
        old_ids = set(await session.scalars(select(Participant.id)))
    async with sessions.begin() as session:
        campaign = await session.get(Campaign, campaign_id)
        assert campaign is not None
        await queries.close_campaign(session, campaign, rng=random.Random(SEED))
    async with sessions() as session:
        assert await _relink(session) <= 2
        rows = (await session.execute(select(Participant.id, Participant.pseudonym))).all()
        assert {pseudonym for _, pseudonym in rows} == {None}
        assert not {participant_id for participant_id, _ in rows} & old_ids  # fresh ids
        # Nothing was lost: every answer and theme is there, tied to a rewritten participant.
        answers = (await session.execute(select(Answer.participant_id, Answer.value_number))).all()
        assert sorted(v for _, v in answers if v is not None) == list(range(PEOPLE))
        assert {p for p, _ in answers} == {p for p, _ in rows}
        themes = list(await session.scalars(select(AnswerTheme.answer_id)))
        texts = set(await session.scalars(select(Answer.id).where(Answer.value_text.is_not(None))))
        assert set(themes) == texts and len(themes) == PEOPLE


async def test_the_service_close_and_a_second_cut_keep_every_answer(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Closing through the service reports the counts (8 shown as "5 of meer" at k=5); closing
    again rewrites nothing more."""
    campaign_id = await _setup(sessions)
    async with sessions.begin() as session:
        closed = await service.close_campaign(session, campaign_id, actor="cli:test", k=5)
    assert closed.participants == 5 and closed.pseudonyms_erased == PEOPLE
    async with sessions() as session:
        first = set(await session.scalars(select(Participant.id)))
    async with sessions.begin() as session:
        again = await service.close_campaign(session, campaign_id, actor="cli:test", k=5)
    assert again.already_closed and again.participants == 5
    async with sessions() as session:
        assert set(await session.scalars(select(Participant.id))) == first
        assert len(list(await session.scalars(select(ChatSession.subject)))) == PEOPLE
