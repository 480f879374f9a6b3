"""The summary's counts from answer_tallies (migration 0008) against counting the answers.

The tallies are kept by triggers on ``answers``; these tests change answers in every way the
bot does (store, change, skip, a crisis answer, "Antwoorden veranderen", erasure, the cut)
over several campaigns, labels and rounds, and check after each step that the tallies give
what ``COUNT(DISTINCT participant_id)`` over the answers gives (the queries as they were before
the tallies, kept here as the reference), and that the whole summary is the same either way.
On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import and_, exists, false, func, insert, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import Catalog
from bot.summary.build import build_summary
from storage import participants, repo
from storage import summary as queries
from storage.db import make_engine, make_sessionmaker, upgrade_async
from storage.models import (
    Answer,
    AnswerTally,
    AnswerTheme,
    Campaign,
    Participant,
    SummaryRelease,
    Werkgroep,
)
from storage.summary import QuestionCount, ValueCount
from tests.conftest import prepared_database
from tests.summary.factory import Seeder

QUESTIONS = ["leeftijd", "hoe-gaat-het", "onderwerpen", "hulp", "zorgen", "kansen", "idee"]


# --- the queries as they were before the tallies (the reference) -----------------------------


async def old_value_counts(
    session: AsyncSession, campaign_ids: Collection[str], question_ids: Collection[str]
) -> list[ValueCount]:
    result = await session.execute(
        select(
            Answer.campaign_id,
            Answer.question_id,
            Answer.value_option,
            Answer.value_number,
            Answer.crisis,
            func.count(func.distinct(Answer.participant_id)),
            func.min(Answer.answered_on),
            func.max(Answer.answered_on),
        )
        .where(Answer.campaign_id.in_(campaign_ids), Answer.question_id.in_(question_ids))
        .group_by(
            Answer.campaign_id,
            Answer.question_id,
            Answer.value_option,
            Answer.value_number,
            Answer.crisis,
        )
    )
    return [
        ValueCount(c, q, o, n, bool(crisis), int(count), _day(first), _day(last))
        for c, q, o, n, crisis, count, first, last in result.all()
    ]


async def old_question_respondents(
    session: AsyncSession, campaign_ids: Collection[str], question_ids: Collection[str]
) -> list[QuestionCount]:
    result = await session.execute(
        select(
            Answer.campaign_id,
            Answer.question_id,
            literal(""),
            func.count(func.distinct(Answer.participant_id)),
        )
        .where(Answer.campaign_id.in_(campaign_ids), Answer.question_id.in_(question_ids))
        .group_by(Answer.campaign_id, Answer.question_id)
    )
    return [QuestionCount(*row) for row in result.all()]


async def old_theme_counts(
    session: AsyncSession, campaign_ids: Collection[str], question_ids: Collection[str]
) -> list[QuestionCount]:
    result = await session.execute(
        select(AnswerTheme.campaign_id, AnswerTheme.question_id, AnswerTheme.theme, func.count())
        .join(Answer, Answer.id == AnswerTheme.answer_id)
        .where(
            AnswerTheme.campaign_id.in_(list(campaign_ids)),
            AnswerTheme.question_id.in_(list(question_ids)),
            Answer.crisis == false(),
        )
        .group_by(AnswerTheme.campaign_id, AnswerTheme.question_id, AnswerTheme.theme)
    )
    return [QuestionCount(*row) for row in result.all()]


async def old_sample_texts(
    session: AsyncSession,
    campaign_ids: Collection[str],
    question_id: str,
    limit: int,
    start: str,
    *,
    unthemed_only: bool = False,
) -> Sequence[str]:
    if not campaign_ids or limit <= 0:
        return []
    group = (
        Answer.campaign_id.in_(campaign_ids),
        Answer.question_id == question_id,
        Answer.value_option.is_(None),
        Answer.value_number.is_(None),
        Answer.crisis == false(),
    )
    window = select(Answer.participant_id).where(*group).order_by(Answer.participant_id)
    chosen = list(await session.scalars(window.where(Answer.participant_id >= start).limit(limit)))
    if len(chosen) < limit:
        rest = window.where(Answer.participant_id < start).limit(limit - len(chosen))
        chosen += list(await session.scalars(rest))
    if not chosen:
        return []
    statement = select(Answer.value_text).where(
        Answer.participant_id.in_(chosen),
        Answer.question_id == question_id,
        Answer.value_text.is_not(None),
        Answer.crisis == false(),
    )
    if unthemed_only:
        themed = exists().where(
            and_(AnswerTheme.answer_id == Answer.id, AnswerTheme.theme != queries.OVERIG)
        )
        statement = statement.where(~themed)
    return [t for t in (await session.scalars(statement)).all() if t]


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


# --- checks ---------------------------------------------------------------------------------


async def assert_counts_match(session: AsyncSession, campaign_ids: list[str]) -> None:
    """Every count the summary reads equals the count over the answers."""
    new_values = await queries.value_counts(session, campaign_ids, QUESTIONS)
    old_values = await old_value_counts(session, campaign_ids, QUESTIONS)
    assert sorted(new_values, key=repr) == sorted(old_values, key=repr)
    new_bases = await queries.question_respondents(session, campaign_ids, QUESTIONS)
    old_bases = await old_question_respondents(session, campaign_ids, QUESTIONS)
    assert sorted(new_bases, key=repr) == sorted(old_bases, key=repr)
    themed = ["zorgen", "kansen", "idee"]
    new_themes = await queries.theme_counts(session, campaign_ids, themed)
    old_themes = await old_theme_counts(session, campaign_ids, themed)
    assert sorted(new_themes, key=repr) == sorted(old_themes, key=repr)
    for start in ("0" * 32, "7" * 32, "f" * 32):
        for limit, unthemed in ((5, False), (15, False), (1000, True), (3, True)):
            for question in ("zorgen", "idee"):
                new = await queries.sample_texts(
                    session, campaign_ids, question, limit, start, unthemed_only=unthemed
                )
                old = await old_sample_texts(
                    session, campaign_ids, question, limit, start, unthemed_only=unthemed
                )
                assert sorted(new) == sorted(old)
    # No empty or negative row is left behind (an erased answer leaves no trace).
    smallest = await session.scalar(select(func.min(AnswerTally.respondents)))
    assert smallest is None or smallest > 0


async def _seed(session: AsyncSession, catalog: Catalog) -> tuple[Werkgroep, list[Campaign]]:
    seed = Seeder(session, catalog)
    werkgroep = await seed.werkgroep()
    campaigns = [
        await seed.campaign(werkgroep, "jongeren", "school"),
        await seed.campaign(werkgroep, "jongeren", "wijk"),
        await seed.campaign(werkgroep, "ouders"),
        await seed.campaign(werkgroep, "jongeren", "school", round_number=2),
        await seed.campaign(werkgroep, "ouders", round_number=2),
    ]
    for number, campaign in enumerate(campaigns):
        await seed.respondents(campaign, 14 + 3 * number, crisis_every=5)
        await seed.respondents(campaign, 9, day=date(2024, 6, 1 + number), completed=False)
        # A month later, the same answers for everyone: groups of one value over two dates.
        await seed.respondents(
            campaign,
            4,
            day=date(2024, 7, 3),
            answers={"leeftijd": "oud", "onderwerpen": ["thuis", "geld"], "zorgen": "Te duur"},
        )
    return werkgroep, campaigns


async def _participants(session: AsyncSession, campaign: Campaign) -> list[Participant]:
    return list(
        await session.scalars(
            select(Participant)
            .where(Participant.campaign_id == campaign.id)
            .order_by(Participant.pseudonym)
        )
    )


async def _change_answers(session: AsyncSession, campaigns: list[Campaign]) -> None:
    """Answers stored, changed and skipped through the bot's own repository function."""
    rng = random.Random(7)
    for campaign in campaigns:
        people = await _participants(session, campaign)
        for person in rng.sample(people, 6):
            await repo.store_participant_answer(
                session, person, "leeftijd", rng.choice(["jong", "oud"]), free_text=False
            )
            await repo.store_participant_answer(
                session,
                person,
                "onderwerpen",
                rng.sample(["school", "geld", "thuis"], 2),
                free_text=False,
            )
            await repo.store_participant_answer(session, person, "hoe-gaat-het", 5, free_text=False)
            await repo.store_participant_answer(session, person, "hulp", None, free_text=False)
            await repo.store_participant_answer(
                session, person, "zorgen", "Alles is zo duur", free_text=True, themes={"geld"}
            )
        crisis_person = people[-1]
        await repo.store_participant_answer(
            session, crisis_person, "kansen", "iets ergs", free_text=True, crisis=True
        )
        await repo.store_participant_answer(session, people[-2], "onderwerpen", [], free_text=False)
    await session.flush()


@pytest.mark.parametrize("cut", [False, True])
async def test_tallies_follow_every_change_of_the_answers(
    sessions: async_sessionmaker[AsyncSession], catalog: Catalog, cut: bool
) -> None:
    """After seeding, changing, skipping, starting over, erasing and (or not) cutting, the
    counts from the tallies equal the counts over the answers, and an erased campaign has no
    tally row left."""
    async with sessions.begin() as session:
        _, campaigns = await _seed(session, catalog)
        ids = [c.id for c in campaigns]
        await assert_counts_match(session, ids)

        await _change_answers(session, campaigns)
        await assert_counts_match(session, ids)

        people = await _participants(session, campaigns[0])
        await participants.start_over(session, people[0])
        await participants.start_over(session, people[1])
        await session.flush()
        await assert_counts_match(session, ids)

        erased = [p.pseudonym for p in (await _participants(session, campaigns[1]))[:5]]
        erased += [p.pseudonym for p in (await _participants(session, campaigns[3]))[-3:]]
        assert await participants.erase(session, [p for p in erased if p]) == 8
        await assert_counts_match(session, ids)

        if cut:
            await participants.rewrite_anonymously(session, campaigns[2].id)
            await participants.rewrite_anonymously(session, campaigns[3].id)
            await assert_counts_match(session, ids)

        # Everyone of the last campaign erases: nothing of it is left in the tallies.
        everyone = [p.pseudonym for p in await _participants(session, campaigns[4])]
        await participants.erase(session, [p for p in everyone if p])
        left = await session.scalar(
            select(func.count())
            .select_from(AnswerTally)
            .where(AnswerTally.campaign_id == campaigns[4].id)
        )
        assert left == 0
        await assert_counts_match(session, ids)
        smallest = await session.scalar(select(func.min(AnswerTally.respondents)))
        assert smallest is not None and smallest > 0


async def _payloads(
    sessions: async_sessionmaker[AsyncSession], catalog: Catalog, werkgroep_id: str
) -> dict[str, Any]:
    async with sessions() as session:
        await build_summary(session, catalog, werkgroep_id, k=5, rng=random.Random(11))
        rows = await session.execute(
            select(SummaryRelease.scope, SummaryRelease.payload).where(
                SummaryRelease.werkgroep_id == werkgroep_id
            )
        )
        payloads = dict(rows.all())
        await session.rollback()
    return payloads


async def test_the_summary_equals_the_summary_counted_the_old_way(
    sessions: async_sessionmaker[AsyncSession],
    catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Over several rounds, labels, changed answers, a start-over and erasures, the released
    figures (counts, hidden cells, merged rows, period, frequent words, quotes) are the same
    from the tallies as from counting the answers."""
    async with sessions.begin() as session:
        werkgroep, campaigns = await _seed(session, catalog)
        await _change_answers(session, campaigns)
        people = await _participants(session, campaigns[0])
        await participants.start_over(session, people[0])
        erased = [p.pseudonym for p in (await _participants(session, campaigns[1]))[:4]]
        await participants.erase(session, [p for p in erased if p])

    def ordered(sample: Any) -> Any:
        # The sample's order is the database's; the summary shuffles it with its own rng.
        async def sorted_sample(*args: Any, **kwargs: Any) -> list[str]:
            return sorted(await sample(*args, **kwargs))

        return sorted_sample

    monkeypatch.setattr(queries, "sample_texts", ordered(queries.sample_texts))
    new = await _payloads(sessions, catalog, werkgroep.id)
    monkeypatch.setattr(queries, "value_counts", old_value_counts)
    monkeypatch.setattr(queries, "question_respondents", old_question_respondents)
    monkeypatch.setattr(queries, "theme_counts", old_theme_counts)
    monkeypatch.setattr(queries, "sample_texts", ordered(old_sample_texts))
    old = await _payloads(sessions, catalog, werkgroep.id)
    assert new == old
    assert len(new) == 2  # both rounds released
    shown = [
        question
        for payload in new.values()
        for audience in payload["audiences"].values()
        for question in audience["questions"].values()
        if question["quotes"] or question["words"]
    ]
    assert shown  # quotes and words are part of what was compared


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_the_migration_fills_the_tallies_from_stored_answers(
    kind: str, tmp_path: Path
) -> None:
    """Answers stored before migration 0008 are counted: the tallies it fills give the
    counts over the answers, and later changes keep them right."""
    url = await prepared_database(kind, tmp_path, "0007")
    engine = make_engine(url)
    campaign_id, werkgroep_id = uuid.uuid4().hex, uuid.uuid4().hex
    rng = random.Random(3)
    async with engine.begin() as connection:
        await connection.execute(
            insert(Werkgroep.__table__),
            [{"id": werkgroep_id, "naam": "Oud", "template_id": "proef"}],
        )
        await connection.execute(
            insert(Campaign.__table__),
            [
                {
                    "id": campaign_id,
                    "werkgroep_id": werkgroep_id,
                    "audience": "jongeren",
                    "step_key": "stap-1",
                    "flow_id": "proef.stap-1.jongeren",
                    "token_hash": uuid.uuid4().hex,
                    "round": 1,
                }
            ],
        )
        people = [uuid.uuid4().hex for _ in range(30)]
        await connection.execute(
            insert(Participant.__table__),
            [{"id": p, "campaign_id": campaign_id, "completed": True} for p in people],
        )
        rows: list[dict[str, Any]] = []
        themes: list[dict[str, Any]] = []
        for number, person in enumerate(people):
            day = date(2024, 1 + number % 3, 5)
            base = {"campaign_id": campaign_id, "participant_id": person, "answered_on": day}
            blank = {"value_option": None, "value_number": None, "value_text": None}
            rows.append(
                {
                    **base,
                    **blank,
                    "id": uuid.uuid4().hex,
                    "question_id": "leeftijd",
                    "value_option": rng.choice(["jong", "oud"]),
                    "crisis": False,
                }
            )
            rows.append(
                {
                    **base,
                    **blank,
                    "id": uuid.uuid4().hex,
                    "question_id": "hoe-gaat-het",
                    "value_number": rng.randint(1, 5),
                    "crisis": False,
                }
            )
            for option in rng.sample(["school", "geld", "thuis"], rng.randint(1, 3)):
                rows.append(
                    {
                        **base,
                        **blank,
                        "id": uuid.uuid4().hex,
                        "question_id": "onderwerpen",
                        "value_option": option,
                        "crisis": False,
                    }
                )
            answer_id = uuid.uuid4().hex
            rows.append(
                {
                    **base,
                    **blank,
                    "id": answer_id,
                    "question_id": "zorgen",
                    "value_text": "Te duur",
                    "crisis": number % 7 == 0,
                }
            )
            themes.append(
                {
                    "answer_id": answer_id,
                    "theme": "geld",
                    "campaign_id": campaign_id,
                    "question_id": "zorgen",
                }
            )
        await connection.execute(insert(Answer.__table__), rows)
        await connection.execute(insert(AnswerTheme.__table__), themes)
        before = await connection.scalar(text("SELECT COUNT(*) FROM answers"))
    await engine.dispose()
    await upgrade_async(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions.begin() as session:
            assert await session.scalar(select(func.count()).select_from(Answer)) == before
            await assert_counts_match(session, [campaign_id])
            person = await session.get(Participant, people[0])
            assert person is not None
            await repo.store_participant_answer(
                session, person, "onderwerpen", ["thuis"], free_text=False
            )
            await session.flush()
            await assert_counts_match(session, [campaign_id])
    finally:
        await engine.dispose()


async def test_concurrent_answers_to_one_question_neither_deadlock_nor_miscount(
    sessions: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    """Eight people change their multiple-choice answer at the same time, each several times,
    options in different orders: every turn commits and the counts stay right."""
    async with sessions.begin() as session:
        _, campaigns = await _seed(session, catalog)
        people = [p.id for p in await _participants(session, campaigns[0])][:8]

    async def answer(participant_id: str, seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(4):
            async with sessions.begin() as session:
                person = await session.get(Participant, participant_id)
                assert person is not None
                options = rng.sample(["school", "geld", "thuis", "vrienden"], 3)
                await repo.store_participant_answer(
                    session, person, "onderwerpen", options, free_text=False
                )
                await asyncio.sleep(0.005)  # hold the turn open so that turns overlap
                await repo.store_participant_answer(
                    session, person, "leeftijd", rng.choice(["jong", "oud"]), free_text=False
                )

    await asyncio.gather(*(answer(p, n) for n, p in enumerate(people)))
    async with sessions.begin() as session:
        await assert_counts_match(session, [c.id for c in campaigns])
