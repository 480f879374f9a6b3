"""/vergeet reaches every copy (issue 15, items 2 and 11): answers, themes, stored releases.

A quoted answer is erased by recomputing the person's scoped pseudonym; afterwards no table,
no stored release and no new summary holds its words, and the released counts do not move
(an erasure must not become a differencing probe).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import Catalog, load_catalog
from bot.privacy.erasure import erase_participant
from bot.privacy.pseudonym import participant_pseudonym
from bot.summary.build import build_summary
from storage.models import Answer, AnswerTheme, Participant, SummaryRelease
from tests.summary.factory import FLOW_FILES, STEP, Seeder, write_flows

PEPPER = b"p" * 32
ROOT = Path(__file__).resolve().parents[2]
SERIAL = re.compile(r"\(antwoord (\d+)\)")


@pytest.fixture
def summary_catalog(tmp_path: Path) -> Catalog:
    directory = tmp_path / "flows"
    directory.mkdir()
    write_flows(directory, FLOW_FILES)
    return load_catalog(directory, extra=[ROOT / "flows" / "_themes" / "default.yaml"])


async def _quotes(session: AsyncSession, catalog: Catalog, werkgroep_id: str) -> list[str]:
    summary = await build_summary(session, catalog, werkgroep_id, k=10)
    step = summary.step(STEP)
    assert step is not None
    jongeren = step.rounds[0].audience("jongeren")
    assert jongeren is not None
    worries = jongeren.question("zorgen")
    assert worries is not None
    return list(worries.quotes)


async def test_erasure_removes_the_words_from_answers_themes_and_releases(
    sessions: async_sessionmaker[AsyncSession], summary_catalog: Catalog
) -> None:
    async with sessions.begin() as session:
        seed = Seeder(session, summary_catalog)
        werkgroep = await seed.werkgroep()
        campaign = await seed.campaign(werkgroep, "jongeren")
        await seed.respondents(campaign, 30)
        # Give each respondent the pseudonym the bot would have given principal "p<serial>".
        texts = (
            await session.execute(
                select(Answer.participant_id, Answer.value_text).where(
                    Answer.question_id == "zorgen"
                )
            )
        ).all()
        for participant_id, value in texts:
            serial = SERIAL.search(value or "")
            assert serial is not None
            participant = await session.get(Participant, participant_id)
            assert participant is not None
            participant.pseudonym = participant_pseudonym(
                PEPPER, f"p{serial.group(1)}", werkgroep.id, STEP, campaign.round
            )
        werkgroep_id = werkgroep.id
    async with sessions.begin() as session:
        before = await build_summary(session, summary_catalog, werkgroep_id, k=10)
        quotes = await _quotes(session, summary_catalog, werkgroep_id)
    assert quotes
    quoted = quotes[0]
    found = SERIAL.search(quoted)
    assert found is not None
    marker = found.group(0)

    async with sessions.begin() as session:
        assert await erase_participant(session, PEPPER, f"p{found.group(1)}") == 1

    async with sessions.begin() as session:
        stored = (await session.scalars(select(Answer.value_text))).all()
        assert not any(marker in (value or "") for value in stored)
        answer_ids = set(await session.scalars(select(Answer.id)))
        assert set(await session.scalars(select(AnswerTheme.answer_id))) <= answer_ids
        payloads = (await session.scalars(select(SummaryRelease.payload))).all()
        assert payloads and not any(marker in json.dumps(p) for p in payloads)
        after = await build_summary(session, summary_catalog, werkgroep_id, k=10)
        assert marker not in repr(after)
    # The released counts stay until the gate opens again: no differencing through erasure.
    assert [a.participants for s in after.steps for r in s.rounds for a in r.audiences] == [
        a.participants for s in before.steps for r in s.rounds for a in r.audiences
    ]


async def test_erasure_finds_nothing_after_the_cut(
    sessions: async_sessionmaker[AsyncSession], summary_catalog: Catalog
) -> None:
    """Once a campaign's links are cut, recomputing the pseudonym finds no row (by design)."""
    from storage import admin as queries

    async with sessions.begin() as session:
        seed = Seeder(session, summary_catalog)
        werkgroep = await seed.werkgroep()
        campaign = await seed.campaign(werkgroep, "jongeren")
        [participant_id] = await seed.respondents(campaign, 1)
        participant = await session.get(Participant, participant_id)
        assert participant is not None
        participant.pseudonym = participant_pseudonym(PEPPER, "p1", werkgroep.id, STEP, 1)
        await session.flush()
        await queries.close_campaign(session, campaign)
    async with sessions.begin() as session:
        assert await erase_participant(session, PEPPER, "p1") == 0
        assert len((await session.scalars(select(Answer.id))).all()) > 0
