"""The aggregation queries of storage.summary, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import Catalog
from storage import repo
from storage import summary as queries
from storage.models import AnswerTheme, Participant, SummaryRelease
from tests.summary.factory import Seeder


async def test_counts_are_distinct_respondents_per_campaign(
    sessions: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    """Participants, answer values, multiple-choice respondents, themes and crisis counts."""
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep()
        school = await seed.campaign(werkgroep, "jongeren", "school")
        ouders = await seed.campaign(werkgroep, "ouders")
        await seed.respondents(school, 12, crisis_every=4)
        await seed.respondents(school, 3, completed=False, day=date(2024, 5, 2))
        await seed.respondents(ouders, 5)
        ids = [school.id, ouders.id]

        assert await queries.participant_counts(session, ids) == {
            school.id: (15, 12),
            ouders.id: (5, 5),
        }

        rows = await queries.value_counts(session, ids, ["leeftijd", "onderwerpen", "idee"])
        by_key = {(r.campaign_id, r.question_id, r.option): r for r in rows}
        ages = [r for r in rows if r.campaign_id == school.id and r.question_id == "leeftijd"]
        assert sum(r.respondents for r in ages) == 15
        assert by_key[(school.id, "idee", None)].respondents == 15  # free text: one group
        # Every respondent ticked "school"; a multiple choice is one row per option.
        assert by_key[(school.id, "onderwerpen", "school")].respondents == 15
        assert min(r.first for r in rows if r.first) == date(2024, 3, 12)
        assert max(r.last for r in rows if r.last) == date(2024, 5, 2)

        multi = await queries.question_respondents(session, ids, ["onderwerpen"])
        assert {(c.campaign_id, c.respondents) for c in multi} == {(school.id, 15), (ouders.id, 5)}

        themes = await queries.theme_counts(session, ids, ["zorgen"])
        school_themes = {c.key: c.respondents for c in themes if c.campaign_id == school.id}
        assert school_themes["mentaal"] >= 3
        # "De bus rijdt niet in de avond." three times, one of them flagged as a crisis: a
        # crisis answer counts only as an answer with a worry signal, never under a theme.
        assert school_themes[queries.OVERIG] == 2

        # Crisis answers form their own group: respondents 0, 4 and 8 flagged "zorgen".
        crisis = [r for r in rows if r.crisis]
        assert crisis == []  # "zorgen" was not asked for above
        worries = await queries.value_counts(session, ids, ["zorgen"])
        assert [(r.campaign_id, r.respondents) for r in worries if r.crisis] == [(school.id, 3)]
        assert sum(r.respondents for r in worries if r.campaign_id == school.id) == 15


async def test_crisis_answers_are_in_no_theme_and_not_in_overig(
    sessions: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    """A crisis-flagged answer is counted only as an answer with a worry signal: no theme
    count and no "overig" count includes it, and storing one writes no theme row."""
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep()
        campaign = await seed.campaign(werkgroep, "jongeren")
        # Half of them flagged, every one tagged (the seeder writes theme rows regardless).
        await seed.respondents(campaign, 4, crisis_every=2, answers={"zorgen": "Xyzzy qwerty"})
        counts = await queries.theme_counts(session, [campaign.id], ["zorgen"])
        worries = await queries.value_counts(session, [campaign.id], ["zorgen"])
        participant = Participant(
            id=uuid.uuid4().hex, campaign_id=campaign.id, pseudonym=uuid.uuid4().hex
        )
        session.add(participant)
        await session.flush()
        await repo.store_participant_answer(
            session,
            participant,
            "zorgen",
            "iets ergs",
            free_text=True,
            crisis=True,
            themes={"mentaal", queries.OVERIG},
        )
        await session.flush()
        theme_rows = await session.scalar(select(func.count()).select_from(AnswerTheme))
    assert [(c.key, c.respondents) for c in counts] == [(queries.OVERIG, 2)]
    assert sorted((r.crisis, r.respondents) for r in worries) == [(False, 2), (True, 2)]
    assert theme_rows == 4  # the seeder's four; none for the stored crisis answer


async def test_untagged_free_text_counts_as_overig(
    sessions: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    """A free-text answer no theme matched is stored and counted under "overig"."""
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep()
        campaign = await seed.campaign(werkgroep, "jongeren")
        await seed.respondents(campaign, 4, answers={"zorgen": "Xyzzy qwerty"})
        counts = await queries.theme_counts(session, [campaign.id], ["zorgen"])
        assert [(c.key, c.respondents) for c in counts] == [(queries.OVERIG, 4)]


async def test_sample_texts_is_bounded_and_leaves_out_crisis_answers(
    sessions: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    """The quote sample never exceeds its limit, wraps around its random start, and never holds
    a crisis disclosure."""
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep()
        campaign = await seed.campaign(werkgroep, "jongeren")
        await seed.respondents(campaign, 30, crisis_every=2)
        ids = [campaign.id]
        for start in ("0" * 32, "8" * 32, "f" * 32):
            sample = await queries.sample_texts(session, ids, "zorgen", 10, start)
            assert len(sample) == len(set(sample)) == 10
        everything = await queries.sample_texts(session, ids, "zorgen", 100, "8" * 32)
        assert len(everything) == 15  # the 15 answers flagged as crisis are left out
        numbers = {int(text.rsplit(" ", 1)[1].rstrip(")")) for text in everything}
        assert all(n % 2 == 1 for n in numbers)
        unthemed = await queries.sample_texts(
            session, ids, "zorgen", 100, "0" * 32, unthemed_only=True
        )
        assert unthemed and all("bus" in text for text in unthemed)


async def test_save_release_replaces_the_previous_release(
    sessions: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    """One row per werkgroep and scope: a second release overwrites the first."""
    async with sessions.begin() as session:
        werkgroep = await Seeder(session, catalog).werkgroep()
        await queries.save_release(session, werkgroep.id, "stap-1#r1", 10, {"n": 1})
        await queries.save_release(session, werkgroep.id, "stap-1#r1", 25, {"n": 2})
        assert await queries.load_releases(session, werkgroep.id, ["stap-1#r1", "x"]) == {
            "stap-1#r1": {"n": 2}
        }
        rows = (await session.scalars(select(SummaryRelease))).all()
        assert [(row.scope, row.respondents) for row in rows] == [("stap-1#r1", 25)]
