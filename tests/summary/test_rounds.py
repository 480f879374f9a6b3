"""Rounds for the werkgroep (#17.1): answers per round and per aanpak, kept apart, compared."""

from __future__ import annotations

import asyncio
import io
import sqlite3
from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import Catalog
from bot.summary.export import export_plan
from bot.summary.plan import build_plan, record_agreed_answer
from storage import rounds
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.models import AgreedAnswer, Contribution
from tests.summary.factory import STEP, TEMPLATE, Seeder

Sessions = async_sessionmaker[AsyncSession]
FLOW = f"{TEMPLATE}.{STEP}.werkgroep"


async def test_migration_keeps_existing_answers_as_round_one(tmp_path: Path) -> None:
    """Upgrade from 0002 with data: the answers are round 1, and a round 2 fits beside them."""
    path = tmp_path / "old.db"
    url = f"sqlite+aiosqlite:///{path}"
    # Alembic runs its own event loop: in a thread, as storage.db.upgrade_async does.
    await asyncio.to_thread(upgrade, url, "0002")
    with sqlite3.connect(path) as connection:
        connection.executescript(
            f"""
            INSERT INTO werkgroepen (id, naam, template_id, created_at)
                VALUES ('w1', 'Werkgroep Oud', '{TEMPLATE}', '2026-01-01 00:00:00');
            INSERT INTO members (id, werkgroep_id, telegram_user_id, role, name, joined_at)
                VALUES ('m1', 'w1', 42, 'member', 'Anna', '2026-01-01 00:00:00');
            INSERT INTO contributions
                (id, werkgroep_id, member_id, flow_id, step_key, question_id, value, updated_at)
                VALUES ('c1', 'w1', 'm1', '{FLOW}', '{STEP}', 'opgave', '{{"value": "Oud"}}',
                        '2026-01-01 00:00:00');
            INSERT INTO agreed_answers
                (id, werkgroep_id, step_key, question_id, text, recorded_at)
                VALUES ('a1', 'w1', '{STEP}', 'opgave', 'Afspraak oud', '2026-01-01 00:00:00');
            """
        )
    await asyncio.to_thread(upgrade, url)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT round, subject FROM contributions").fetchall() == [
            (1, "")
        ]
        assert connection.execute("SELECT round, text FROM agreed_answers").fetchall() == [
            (1, "Afspraak oud")
        ]
        connection.execute(
            "INSERT INTO contributions (id, werkgroep_id, member_id, flow_id, step_key, "
            "question_id, value, updated_at, round, subject) VALUES ('c2', 'w1', 'm1', "
            f"'{FLOW}', '{STEP}', 'opgave', '{{\"value\": \"Nieuw\"}}', '2026-06-01', 2, '')"
        )
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute(
                "INSERT INTO contributions (id, werkgroep_id, member_id, flow_id, step_key, "
                "question_id, value, updated_at, round, subject) VALUES ('c3', 'w1', 'm1', "
                f"'{FLOW}', '{STEP}', 'opgave', '{{}}', '2026-06-01', 2, '')"
            )


async def _two_rounds(sessions: Sessions, catalog: Catalog) -> str:
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep("Werkgroep Proefstad")
        anna = await seed.member(werkgroep, "Anna de Vries", "Gemeente Proefstad")
        assert await rounds.current_round(session, werkgroep.id, STEP) == 1
        await rounds.save_contribution(
            session, anna, FLOW, STEP, "opgave", "Armoede eerst", round_number=1
        )
        await record_agreed_answer(
            session, werkgroep.id, STEP, "opgave", "Samen armoede verminderen", "Anna de Vries"
        )
        assert await rounds.start_round(session, werkgroep.id, STEP) == 2
        current = await rounds.current_round(session, werkgroep.id, STEP)
        await rounds.save_contribution(
            session, anna, FLOW, STEP, "opgave", "Nu ook schulden", round_number=current
        )
        await record_agreed_answer(
            session, werkgroep.id, STEP, "opgave", "Armoede en schulden aanpakken", "Anna"
        )
        for subject, text in (("Jeugdfonds", "Werkt goed"), ("Ontbijt op school", "Te duur")):
            await rounds.save_contribution(
                session, anna, FLOW, STEP, "urgentie", "hoog", round_number=2, subject=subject
            )
            await record_agreed_answer(
                session, werkgroep.id, STEP, "urgentie", text, "Anna", subject=subject
            )
        return werkgroep.id


async def test_a_new_round_does_not_overwrite_the_last(
    sessions: Sessions, catalog: Catalog
) -> None:
    """Round 2 and each aanpak get their own rows; round 1 is still there."""
    werkgroep_id = await _two_rounds(sessions, catalog)
    async with sessions() as session:
        contributions = (
            await session.execute(
                select(Contribution.round, Contribution.subject, Contribution.value).order_by(
                    Contribution.round, Contribution.subject
                )
            )
        ).all()
        agreed = (
            await session.execute(
                select(AgreedAnswer.round, AgreedAnswer.subject, AgreedAnswer.text).order_by(
                    AgreedAnswer.round, AgreedAnswer.subject
                )
            )
        ).all()
        previous = await rounds.agreed_text(session, werkgroep_id, STEP, "opgave", 1)
    assert [(r, s, v["value"]) for r, s, v in contributions] == [
        (1, "", "Armoede eerst"),
        (2, "", "Nu ook schulden"),
        (2, "Jeugdfonds", "hoog"),
        (2, "Ontbijt op school", "hoog"),
    ]
    assert [tuple(row) for row in agreed] == [
        (1, "", "Samen armoede verminderen"),
        (2, "", "Armoede en schulden aanpakken"),
        (2, "Jeugdfonds", "Werkt goed"),
        (2, "Ontbijt op school", "Te duur"),
    ]
    assert previous == "Samen armoede verminderen"


async def test_plan_compares_rounds_and_aanpakken(sessions: Sessions, catalog: Catalog) -> None:
    """The plan holds the latest agreed answer, a table per round and one per aanpak."""
    werkgroep_id = await _two_rounds(sessions, catalog)
    async with sessions.begin() as session:
        plan = await build_plan(session, catalog, werkgroep_id, 10)
        data = await export_plan(
            session, catalog, werkgroep_id, "docx", 10, made_on=date(2026, 12, 2)
        )
    opgave = plan.steps[0].questions[0]
    assert opgave.agreed == "Armoede en schulden aanpakken"
    assert opgave.agreed_round == 2
    assert [(r.round, r.agreed) for r in opgave.rounds] == [
        (1, "Samen armoede verminderen"),
        (2, "Armoede en schulden aanpakken"),
    ]
    document = docx.Document(io.BytesIO(data))
    text = [p.text for p in document.paragraphs]
    assert "Wat is onze opgave?: Armoede en schulden aanpakken (ronde 2)" in text
    assert "Anna de Vries (Gemeente Proefstad), ronde 1: Armoede eerst" in text
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    assert [
        ["Vraag", "Ronde 1", "Ronde 2"],
        ["Wat is onze opgave?", "Samen armoede verminderen", "Armoede en schulden aanpakken"],
    ] in tables
    assert "Aanpak: Jeugdfonds" in text and "Aanpak: Ontbijt op school" in text
    assert [["Vraag", "Ronde 2"], ["Hoe urgent is het?", "Werkt goed"]] in tables


async def test_a_campaign_round_is_the_werkgroep_round_too(
    sessions: Sessions, catalog: Catalog
) -> None:
    """Opening a round-2 campaign for jongeren moves the step's current round to 2."""
    async with sessions.begin() as session:
        seed = Seeder(session, catalog)
        werkgroep = await seed.werkgroep()
        await seed.campaign(werkgroep, "jongeren", round_number=2)
        assert await rounds.current_round(session, werkgroep.id, STEP) == 2
        assert await rounds.current_round(session, werkgroep.id, "stap-2") == 1


async def test_rounds_on_a_fresh_engine(database_url: str) -> None:
    """The schema of migration 0004 is what the models expect (SQLite and PostgreSQL)."""
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            assert (
                await session.execute(select(Contribution.round, Contribution.subject))
            ).all() == []
    finally:
        await engine.dispose()
