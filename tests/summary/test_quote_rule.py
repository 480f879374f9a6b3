"""Quotes only when safe (issue 15, item 10), in every channel that shows them.

A werkgroep of 40 jongeren answered "zorgen": 20 with a harmless sentence, 5 naming a person
(stored as typed: a redaction miss), 5 naming a place, 5 carrying a redaction marker and 5
whose answer was crisis-flagged. Before the rule was wired, the summary, the CLI and the plan
quoted the name (redacted to "[naam]"), the place and the marker text. Now only the harmless
sentence may appear, in the summary, the discussion input, ``samenspraak samenvatting`` and
the plan as Markdown and Word (the PDF is the Word document converted by LibreOffice).
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import docx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import Catalog
from bot.summary.build import build_summary, discussion_input
from bot.summary.export import export_plan
from bot.summary.model import Summary
from bot.summary.quotes import quote_may_be_shown, showable_quotes
from bot.summary.render import render_json, render_text
from storage.db import make_engine, make_sessionmaker, upgrade_async
from storage.models import SummaryRelease
from tests.summary.factory import STEP, Seeder
from tests.summary.test_cli import cli_env, invoke  # noqa: F401  (fixture)

Sessions = async_sessionmaker[AsyncSession]

SAFE = "Meer plekken om te chillen in de wijk."
NAME = "Mijn buurman Jansen helpt ons nooit."
PLACE = "Ik ga altijd naar de Jumbo in Zwolle."
MARKER = "Bel me op [telefoonnummer] als je wilt."
FLAGGED = "Het gaat thuis niet zo goed met mij."  # no crisis words: only the flag protects it
UNSAFE_FRAGMENTS = ("Jansen", "[naam]", "Zwolle", "[telefoonnummer]", "thuis niet zo goed")


async def seed_quotes(session: AsyncSession, catalog: Catalog) -> str:
    seed = Seeder(session, catalog)
    werkgroep = await seed.werkgroep()
    campaign = await seed.campaign(werkgroep, "jongeren")
    for text, count, crisis in (
        (SAFE, 20, 0),
        (NAME, 5, 0),
        (PLACE, 5, 0),
        (MARKER, 5, 0),
        (FLAGGED, 5, 1),
    ):
        await seed.respondents(campaign, count, answers={"zorgen": text}, crisis_every=crisis)
    return werkgroep.id


def worries(summary: Summary) -> tuple[str, ...]:
    step = summary.step(STEP)
    assert step is not None
    jongeren = step.rounds[0].audience("jongeren")
    assert jongeren is not None
    question = jongeren.question("zorgen")
    assert question is not None
    return question.quotes


def assert_only_safe(text: str) -> None:
    assert SAFE in text
    for fragment in UNSAFE_FRAGMENTS:
        assert fragment not in text


def test_the_rule() -> None:
    """A harmless sentence passes; a name, a place, a marker, a crisis flag or signal do not."""
    assert quote_may_be_shown(SAFE, crisis=False)
    assert not quote_may_be_shown(SAFE, crisis=True)
    for text in (NAME, PLACE, MARKER, "Ik wil niet meer leven.", "   "):
        assert not quote_may_be_shown(text, crisis=False)
    assert showable_quotes([NAME, SAFE, MARKER]) == (SAFE,)


async def test_summary_quotes_only_the_safe_sentence(sessions: Sessions, catalog: Catalog) -> None:
    """The summary (chat /samenvatting renders this) quotes the harmless sentence only."""
    async with sessions.begin() as session:
        werkgroep_id = await seed_quotes(session, catalog)
    async with sessions.begin() as session:
        summary = await build_summary(session, catalog, werkgroep_id, k=10)
    assert worries(summary) == (SAFE,)
    assert_only_safe(render_text(summary))
    assert_only_safe(render_json(summary))


async def test_discussion_input_quotes_only_the_safe_sentence(
    sessions: Sessions, catalog: Catalog
) -> None:
    """The input shown before a werkgroep's discussion question follows the same rule."""
    async with sessions.begin() as session:
        werkgroep_id = await seed_quotes(session, catalog)
    async with sessions.begin() as session:
        summary = await discussion_input(session, catalog, werkgroep_id, STEP, 10)
    assert summary is not None
    assert worries(summary) == (SAFE,)
    assert_only_safe(render_text(summary))


async def test_a_stored_release_with_an_unsafe_quote_does_not_show_it(
    sessions: Sessions, catalog: Catalog
) -> None:
    """A release stored under older rules keeps its quotes in the database; they are not shown."""
    async with sessions.begin() as session:
        werkgroep_id = await seed_quotes(session, catalog)
        await build_summary(session, catalog, werkgroep_id, k=10)
    async with sessions.begin() as session:
        release = await session.get(SummaryRelease, await _release_id(session, werkgroep_id))
        assert release is not None
        payload = dict(release.payload)
        questions = payload["audiences"]["jongeren"]["questions"]
        questions["zorgen"] = {**questions["zorgen"], "quotes": [NAME, MARKER, SAFE]}
        await session.execute(
            update(SummaryRelease).where(SummaryRelease.id == release.id).values(payload=payload)
        )
    async with sessions.begin() as session:
        summary = await build_summary(session, catalog, werkgroep_id, k=10)
    assert worries(summary) == (SAFE,)


async def _release_id(session: AsyncSession, werkgroep_id: str) -> str:
    from sqlalchemy import select

    found = await session.scalar(
        select(SummaryRelease.id).where(SummaryRelease.werkgroep_id == werkgroep_id)
    )
    assert found is not None
    return found


@pytest.mark.parametrize("fmt", ["md", "docx"])
async def test_plan_exports_quote_only_the_safe_sentence(
    sessions: Sessions, catalog: Catalog, fmt: str
) -> None:
    """The plan as Markdown and as Word (the PDF's source) quotes the harmless sentence only."""
    async with sessions.begin() as session:
        werkgroep_id = await seed_quotes(session, catalog)
    async with sessions.begin() as session:
        data = await export_plan(
            session, catalog, werkgroep_id, fmt, 10, rng=random.Random(7), actor="test"
        )
    if fmt == "md":
        text = data.decode("utf-8")
    else:
        document = docx.Document(io.BytesIO(data))
        text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert_only_safe(text)


async def test_cli_summary_quotes_only_the_safe_sentence(
    cli_env: str,  # noqa: F811
    catalog: Catalog,
    tmp_path: Path,
) -> None:
    """`samenspraak samenvatting` in text and JSON quotes the harmless sentence only."""
    await upgrade_async(cli_env)
    engine = make_engine(cli_env)
    try:
        async with make_sessionmaker(engine).begin() as session:
            werkgroep_id = await seed_quotes(session, catalog)
    finally:
        await engine.dispose()
    for fmt in ("text", "json"):
        result = await invoke("samenvatting", "-w", werkgroep_id, "-f", fmt)
        assert result.exit_code == 0, result.output
        assert_only_safe(result.stdout)
