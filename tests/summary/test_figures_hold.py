"""Figures that survive disclosure control and attacks on them (#17.3, #15.7, #15.8).

The attacker is a coordinator who sees every summary and export, can change k through the
operator, and subtracts.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import Catalog
from bot.privacy.disclosure import PROTECTED_REASON
from bot.summary.build import build_summary
from bot.summary.coverage import cells_of, hidden_share
from bot.summary.model import Summary
from tests.summary.factory import FLOW_FILES, Seeder, default_answers, write_flows

Sessions = async_sessionmaker[AsyncSession]


def _flows() -> dict[str, dict[str, Any]]:
    """The test flows plus "Wil je nog iets vertellen?" → follow-up, and a 1–5 scale."""
    files = copy.deepcopy(FLOW_FILES)
    for audience in ("jongeren", "ouders"):
        files[f"{audience}.yaml"]["steps"] += [
            {
                "kind": "scale",
                "id": "cijfer",
                "text": "Welk cijfer geef je je buurt?",
                "summary_label": "Cijfer buurt",
                "min": 1,
                "max": 5,
                "min_label": "Slecht",
                "max_label": "Goed",
            },
            {
                "kind": "yes_no",
                "id": "nog-iets",
                "text": "Wil je nog iets vertellen?",
                "branches": [{"if": {"equals": "ja"}, "goto": "nog-iets-tekst"}, {"goto": "einde"}],
            },
            {
                "kind": "text",
                "id": "nog-iets-tekst",
                "text": "Wat wil je nog vertellen?",
                "summary_label": "Nog iets",
                "themes": True,
            },
            {"kind": "info", "id": "einde", "text": "Dank je wel!"},
        ]
    return files


@pytest.fixture
def flows_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "flows"
    directory.mkdir()
    write_flows(directory, _flows())
    return directory


def _answers(serial: int, *, tell: bool, grade: int = 3) -> dict[str, Any]:
    answers = default_answers(serial)
    answers["cijfer"] = grade
    answers["nog-iets"] = "ja" if tell else "nee"
    if tell:
        answers["nog-iets-tekst"] = "De bus rijdt niet in de avond."
    return answers


async def _summary(sessions: Sessions, catalog: Catalog, werkgroep_id: str, k: int) -> Summary:
    async with sessions.begin() as session:
        return await build_summary(session, catalog, werkgroep_id, k=k, rng=random.Random(7))


async def test_a_follow_up_does_not_give_away_a_hidden_yes(
    sessions: Sessions, catalog: Catalog
) -> None:
    """Attack #15.7: 20 said "ja", 8 "nee"; the yes/no is hidden, but the follow-up would show
    20 respondents, so ja = 20. The follow-up's count and rows are hidden with it."""
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep()
        campaign = await seed.campaign(werkgroep, "jongeren")
        for serial in range(28):
            await seed.respondents(campaign, 1, answers=_answers(serial, tell=serial < 20))
        werkgroep_id = werkgroep.id
    summary = await _summary(sessions, catalog, werkgroep_id, 10)
    round_ = summary.steps[0].rounds[0]
    jongeren = round_.audience("jongeren")
    assert jongeren is not None
    gate = jongeren.question("nog-iets")
    follow_up = jongeren.question("nog-iets-tekst")
    assert gate is not None and follow_up is not None
    assert all(row.cell.suppressed for row in gate.rows)
    assert follow_up.respondents.suppressed
    assert all(row.cell.count in (None, 0) for row in follow_up.rows)
    assert 20 not in [cell.count for cell in cells_of(summary)]


async def test_changing_k_does_not_release_figures_early(
    sessions: Sessions, catalog: Catalog
) -> None:
    """Attack #15.8: release at 25, one more respondent, set k from 10 to 11 and back: no
    figure ever includes the new respondent; figures under k=11 only ever get hidden."""
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep()
        campaign = await seed.campaign(werkgroep, "jongeren")
        for serial in range(25):
            await seed.respondents(campaign, 1, answers=_answers(serial, tell=True, grade=1))
        werkgroep_id = werkgroep.id
    before = await _summary(sessions, catalog, werkgroep_id, 10)
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        await seed.respondents(
            await session.get_one(type(campaign), campaign.id),
            1,
            answers=_answers(99, tell=True, grade=1),
        )
    shown_before = [cell.count for cell in cells_of(before)]
    assert 25 in shown_before
    for k in (11, 10):
        after = await _summary(sessions, catalog, werkgroep_id, k)
        shown_after = [cell.count for cell in cells_of(after)]
        assert len(shown_after) == len(shown_before)
        for old, new in zip(shown_before, shown_after, strict=True):
            assert new is None or new == old  # hidden, or the figure released before
        assert 26 not in shown_after
        # With the larger k, nothing newly shown rests on fewer than 11 respondents.
        assert k != 11 or all(count is None or count == 0 or count >= 11 for count in shown_after)


async def test_thirty_respondents_in_one_label_keep_most_figures(
    sessions: Sessions, catalog: Catalog
) -> None:
    """Target #17.3: 30 jongeren in one label, realistic spread: at most a quarter hidden."""
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep()
        campaign = await seed.campaign(werkgroep, "jongeren", "school-a")
        grades = [1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5] * 3
        for serial in range(30):
            await seed.respondents(
                campaign, 1, answers=_answers(serial, tell=serial % 3 != 0, grade=grades[serial])
            )
        werkgroep_id = werkgroep.id
    summary = await _summary(sessions, catalog, werkgroep_id, 10)
    share = hidden_share(summary)
    assert share <= 0.25, share
    jongeren = summary.steps[0].rounds[0].audience("jongeren")
    assert jongeren is not None
    grade = jongeren.question("cijfer")
    assert grade is not None
    assert [row.label for row in grade.rows] == ["1–3 (Slecht)", "4–5 (Goed)"]
    assert [row.cell.count for row in grade.rows] == [18, 12]


async def test_the_protecting_reason_survives_the_stored_release(
    sessions: Sessions, catalog: Catalog
) -> None:
    """A cell hidden to protect another says so, also when the release is shown again."""
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep()
        campaign = await seed.campaign(werkgroep, "jongeren")
        for serial in range(34):
            await seed.respondents(campaign, 1, answers=_answers(serial, tell=serial < 30))
        werkgroep_id = werkgroep.id
    for _ in range(2):
        summary = await _summary(sessions, catalog, werkgroep_id, 10)
        jongeren = summary.steps[0].rounds[0].audience("jongeren")
        assert jongeren is not None
        gate = jongeren.question("nog-iets")
        assert gate is not None
        reasons = {row.key: row.cell.reason for row in gate.rows}
        assert reasons == {"ja": PROTECTED_REASON, "nee": "te weinig antwoorden"}


async def test_small_options_of_a_multiple_choice_merge_into_distinct_respondents(
    sessions: Sessions, catalog: Catalog
) -> None:
    """Geld (7) and vrienden (9) are each too small; together 12 different people chose one
    of them (4 chose both), so "Andere antwoorden" shows 12, not 16, and nothing is hidden."""
    picks = [["school"]] * 18 + [["geld", "vrienden"]] * 4 + [["geld"]] * 3 + [["vrienden"]] * 5
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep()
        campaign = await seed.campaign(werkgroep, "jongeren")
        for serial, chosen in enumerate(picks):
            answers = _answers(serial, tell=False)
            answers["onderwerpen"] = chosen
            await seed.respondents(campaign, 1, answers=answers)
        werkgroep_id = werkgroep.id
    summary = await _summary(sessions, catalog, werkgroep_id, 10)
    jongeren = summary.steps[0].rounds[0].audience("jongeren")
    assert jongeren is not None
    topics = jongeren.question("onderwerpen")
    assert topics is not None
    assert [(row.label, row.cell.count) for row in topics.rows] == [
        ("School", 18),
        ("Andere antwoorden", 12),
    ]


OTHER_WORDS = (
    "zwembad", "bibliotheek", "bushokje", "markt", "haven", "station", "brug", "molen",
    "dijk", "polder", "kade",
)  # fmt: skip


async def test_an_overig_word_needs_k_different_respondents(
    sessions: Sessions, catalog: Catalog
) -> None:
    """Probe #15.8: "fietsenstalling" in 9 answers is not listed, "lantaarnpaal" in 10 is; one
    person writing a word twice counts once."""
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep()
        campaign = await seed.campaign(werkgroep, "jongeren")
        for serial in range(30):
            answers = _answers(serial, tell=False)
            if serial < 9:
                answers["zorgen"] = "fietsenstalling fietsenstalling fietsenstalling"
            elif serial < 19:
                answers["zorgen"] = "lantaarnpaal"
            else:
                answers["zorgen"] = OTHER_WORDS[serial - 19]
            await seed.respondents(campaign, 1, answers=answers)
        werkgroep_id = werkgroep.id
    summary = await _summary(sessions, catalog, werkgroep_id, 10)
    jongeren = summary.steps[0].rounds[0].audience("jongeren")
    assert jongeren is not None
    zorgen = jongeren.question("zorgen")
    assert zorgen is not None
    assert zorgen.unmatched_words == ("lantaarnpaal",)
