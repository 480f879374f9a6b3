"""The werkgroep's plan and its exports (Markdown, DOCX, CSV), agreed answers and audit."""

from __future__ import annotations

import csv
import io
from typing import Any

import docx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import Catalog
from bot.summary import UnknownStep
from bot.summary.export import CSV_HEADER, export_plan
from bot.summary.plan import Plan, build_plan, record_agreed_answer
from storage.models import AgreedAnswer, Answer, AuditEntry, Participant, Werkgroep
from tests.summary.factory import STEP, Seeder

Sessions = async_sessionmaker[AsyncSession]


async def seed_plan(sessions: Sessions, catalog: Catalog) -> str:
    """A werkgroep with two members' contributions, one agreed answer and 60 + 25 voices."""
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep("Werkgroep Proefstad")
        jongeren = await seed.campaign(werkgroep, "jongeren", "school-a")
        ouders = await seed.campaign(werkgroep, "ouders")
        await seed.respondents(jongeren, 60)
        await seed.respondents(ouders, 25)
        anna = await seed.member(werkgroep, "Anna de Vries", "Gemeente Proefstad", "coordinator")
        bram = await seed.member(werkgroep, "Bram Jansen", "GGD")
        await seed.contribution(anna, "opgave", "Minder kinderen in armoede")
        await seed.contribution(bram, "opgave", "Gezond opgroeien")
        await seed.contribution(bram, "urgentie", "hoog")
        await seed.contribution(bram, "partners", ["school", "ggd"], step="stap-2")
        await record_agreed_answer(
            session, werkgroep.id, STEP, "opgave", "  Samen armoede verminderen ", "Anna de Vries"
        )
        return werkgroep.id


async def plan_of(sessions: Sessions, catalog: Catalog, werkgroep_id: str) -> Plan:
    async with sessions.begin() as session:
        return await build_plan(session, catalog, werkgroep_id, 10, actor="test")


async def export(
    sessions: Sessions, catalog: Catalog, werkgroep_id: str, fmt: str, **kw: Any
) -> bytes:
    async with sessions.begin() as session:
        return await export_plan(session, catalog, werkgroep_id, fmt, 10, actor="test", **kw)


async def test_plan_attributes_contributions_and_holds_the_voice(
    sessions: Sessions, catalog: Catalog
) -> None:
    """Per step: doel, resultaat, questions with named contributions, agreed answer, voice."""
    plan = await plan_of(sessions, catalog, await seed_plan(sessions, catalog))
    assert [step.key for step in plan.steps] == [STEP, "stap-2"]
    first = plan.steps[0]
    assert first.doel == "We weten hoe het met jongeren gaat."
    opgave, urgentie, discuss = first.questions
    assert opgave.agreed == "Samen armoede verminderen"
    assert opgave.agreed_by == "Anna de Vries"
    assert [(c.member, c.organisation, c.answer) for c in opgave.contributions] == [
        ("Anna de Vries", "Gemeente Proefstad", "Minder kinderen in armoede"),
        ("Bram Jansen", "GGD", "Gezond opgroeien"),
    ]
    assert urgentie.contributions[0].answer == "Heel urgent"  # the option's label
    assert discuss.discuss_input is True
    assert first.voice is not None and first.voice.rounds[0].audience("ouders") is not None
    second = plan.steps[1]
    assert second.voice is None
    assert second.questions[0].contributions[0].answer == "Onderwijs, GGD"
    assert plan.methods.k == 10
    assert plan.methods.period == ("2024-03", "2024-03")
    assert plan.methods.participants == {"jongeren": 60, "ouders": 25}


async def test_markdown_plan(sessions: Sessions, catalog: Catalog) -> None:
    """The Markdown plan has step headings, doel, agreed answers, contributions, voice, methods."""
    werkgroep_id = await seed_plan(sessions, catalog)
    md = (await export(sessions, catalog, werkgroep_id, "md")).decode("utf-8")
    assert md.startswith("# Proefplan\n\n**Plan van Werkgroep Proefstad**")
    assert "## Stap 1: Hoe gaat het met jongeren?" in md
    assert "**Doel.** We weten hoe het met jongeren gaat." in md
    assert "- **Wat is onze opgave?**: Samen armoede verminderen" in md
    assert "- **Anna de Vries (Gemeente Proefstad)**: Minder kinderen in armoede" in md
    assert "### Stem van jongeren en ouders" in md
    assert "Deelnemers: 60 (helemaal ingevuld: 60, deels: 0)." in md
    assert "| Jonger dan 16 | 40 | 67% |" in md
    assert "## Bijlage: verantwoording" in md
    assert "Periode: maart 2024." in md
    assert "Voor deze stap zijn jongeren en ouders niet gevraagd." in md  # stap-2


async def test_docx_plan(sessions: Sessions, catalog: Catalog) -> None:
    """The Word plan opens with python-docx and holds headings, text, contributions and chart."""
    werkgroep_id = await seed_plan(sessions, catalog)
    data = await export(sessions, catalog, werkgroep_id, "docx")
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Stap 1: Hoe gaat het met jongeren?" in headings
    assert "Stap 2: Wat gaan we doen?" in headings
    assert "Stem van jongeren en ouders" in headings
    assert "Bijlage: verantwoording" in headings
    assert document.paragraphs[0].style.name == "Title"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Doel. We weten hoe het met jongeren gaat." in text
    assert "Wat is onze opgave?: Samen armoede verminderen" in text
    assert "Bram Jansen (GGD): Heel urgent" in text
    assert "Deelnemers: 25 (helemaal ingevuld: 25, deels: 0)." in text
    assert len(document.inline_shapes) == 1  # the chart of step 1


async def test_csv_holds_aggregates_only(sessions: Sessions, catalog: Catalog) -> None:
    """CSV rows are suppressed counts: no participant id, no free text, no quote anywhere."""
    werkgroep_id = await seed_plan(sessions, catalog)
    raw = await export(sessions, catalog, werkgroep_id, "csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the accents right
    data = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert tuple(rows[0]) == CSV_HEADER
    async with sessions() as session:
        participant_ids = (await session.scalars(select(Participant.id))).all()
        texts = (
            await session.scalars(select(Answer.value_text).where(Answer.value_text.is_not(None)))
        ).all()
    assert participant_ids and texts
    for participant_id in participant_ids:
        assert participant_id not in data
    for text in set(texts):
        assert text not in data
    assert "(antwoord" not in data and "Idee nummer" not in data
    by_key = {(r[2], r[3], r[4], r[5]): r for r in rows[1:]}
    young = by_key[("Jongeren", "Antwoorden", "Leeftijd", "Jonger dan 16")]
    assert young[6:9] == ["40", "", "66,7"]  # decimal comma for Dutch Excel
    hidden = by_key[("Ouders", "Antwoorden", "Leeftijd", "16 of ouder")]
    assert hidden[6:9] == ["", "te weinig antwoorden", ""]
    assert by_key[("Jongeren", "Deelnemers", "", "school-a")][6] == "60"


async def test_exports_and_plans_are_audited(sessions: Sessions, catalog: Catalog) -> None:
    """Every plan and export leaves an audit entry with actor and format."""
    werkgroep_id = await seed_plan(sessions, catalog)
    await plan_of(sessions, catalog, werkgroep_id)
    for fmt in ("md", "csv"):
        await export(sessions, catalog, werkgroep_id, fmt)
    async with sessions() as session:
        entries = (
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.in_(["plan", "export"]))
                .order_by(AuditEntry.id)
            )
        ).all()
    assert [(e.actor, e.action, e.detail.get("format")) for e in entries] == [
        ("test", "plan", None),
        ("test", "export", "md"),
        ("test", "export", "csv"),
    ]


async def test_unknown_export_format_is_refused(sessions: Sessions, catalog: Catalog) -> None:
    """Only md, docx, pdf, csv and xlsx exist."""
    werkgroep_id = await seed_plan(sessions, catalog)
    with pytest.raises(ValueError, match="md, docx, pdf, csv, xlsx"):
        await export(sessions, catalog, werkgroep_id, "odt")


async def test_agreed_answer_is_replaced_and_removed(sessions: Sessions, catalog: Catalog) -> None:
    """Recording again replaces the text; blank text removes it; an unknown step is refused."""
    werkgroep_id = await seed_plan(sessions, catalog)
    async with sessions.begin() as session:
        await record_agreed_answer(
            session, werkgroep_id, STEP, "opgave", "Nieuwe tekst", "Bram Jansen", actor="member:b"
        )
    async with sessions() as session:
        rows = (await session.scalars(select(AgreedAnswer))).all()
    assert [(r.text, r.recorded_by) for r in rows] == [("Nieuwe tekst", "Bram Jansen")]
    async with sessions.begin() as session:
        removed = await record_agreed_answer(session, werkgroep_id, STEP, "opgave", "  ", "B")
        assert removed is None
        with pytest.raises(UnknownStep):
            await record_agreed_answer(
                session, werkgroep_id, "stap-9", "x", "tekst", "B", catalog=catalog
            )
    async with sessions() as session:
        assert (await session.scalars(select(AgreedAnswer))).all() == []
        actions = (
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.action.like("agreed_answer%"))
            )
        ).all()
    assert actions == ["agreed_answer", "agreed_answer", "agreed_answer.removed"]


async def test_a_contribution_that_reads_as_a_disclosure_is_withheld(
    sessions: Sessions, catalog: Catalog
) -> None:
    """A member who typed a disclosure as their answer: the plan neither quotes it nor names
    them next to it; it says one contribution was left out. Others stay as they were."""
    werkgroep_id = await seed_plan(sessions, catalog)
    async with sessions.begin() as session:
        werkgroep = await session.get(Werkgroep, werkgroep_id)
        assert werkgroep is not None
        seed = Seeder(session, catalog)
        mo = await seed.member(werkgroep, "Mo Lid", "Jongerenwerk")
        await seed.contribution(mo, "opgave", "eerlijk gezegd wil ik zelf niet meer leven")
    plan = await plan_of(sessions, catalog, werkgroep_id)
    opgave = plan.steps[0].questions[0]
    assert [c.member for c in opgave.contributions] == ["Anna de Vries", "Bram Jansen"]
    assert opgave.rounds[-1].withheld == 1
    md = (await export(sessions, catalog, werkgroep_id, "md")).decode("utf-8")
    assert "niet meer leven" not in md
    assert "Mo Lid" not in md
    assert "Niet opgenomen: 1 bijdrage over een persoonlijke noodsituatie." in md
    assert "- **Bram Jansen (GGD)**: Gezond opgroeien" in md
    document = docx.Document(io.BytesIO(await export(sessions, catalog, werkgroep_id, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "niet meer leven" not in text and "Niet opgenomen: 1 bijdrage" in text
