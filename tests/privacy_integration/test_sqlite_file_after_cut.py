"""The SQLite file after the cut (issue 15, item 3): no old row, no old order left in it.

The cut rewrites a campaign's rows in random order and deletes the originals, but SQLite keeps
deleted rows in free pages of the file and in the WAL until it reuses them: someone with a copy
of the file could read the old pseudonyms, ids and storage order there. After closing through
the real edges (``samenspraak campagne close`` and the coordinator's button in the chat) the
file is rebuilt: the file and its WAL hold none of the old pseudonyms or participant ids, and
the file's rowid order pairs chat sessions with participants no better than chance.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from storage import repo
from storage.db import make_engine, make_sessionmaker, upgrade_async
from storage.models import Campaign, Participant
from tests.e2e.conftest import BotHarness, join_as_coordinator, say, tap

PEOPLE = 200


async def _answered(url: str, werkgroep_id: str | None = None) -> tuple[str, list[str], list[str]]:
    """PEOPLE participants, each answering in its own transaction that also touches their chat
    session (as the bot does); returns the campaign id, pseudonyms and participant ids."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions.begin() as session:
            if werkgroep_id is None:
                werkgroep, _, _ = await repo.create_werkgroep(session, "W", "armoede")
                werkgroep_id = werkgroep.id
            campaign = Campaign(
                werkgroep_id=werkgroep_id,
                audience="jongeren",
                step_key="stap-3",
                flow_id="armoede.stap-3.jongeren",
                token_hash=repo.new_token(),
            )
            session.add(campaign)
        pseudonyms = [f"{person:03d}" + "b" * 61 for person in range(PEOPLE)]
        for person, pseudonym in enumerate(pseudonyms):
            async with sessions.begin() as session:
                chat = await repo.chat_session(session, f"{person:03d}" + "c" * 61)
                chat.locale = "nl"
                participant = await repo.participant_for(session, campaign.id, pseudonym)
                assert participant is not None
                await repo.store_participant_answer(
                    session, participant, "leeftijd", person, free_text=False
                )
        async with sessions() as session:
            ids = list(await session.scalars(select(Participant.id)))
        return campaign.id, pseudonyms, ids
    finally:
        await engine.dispose()


def _file_bytes(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _relinked(path: Path) -> int:
    """The attack on the file: the i-th chat session (rowid order) is the i-th participant."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT subject FROM chat_sessions ORDER BY rowid")
        # The coordinator's own chat session (in the chat test) is not one of the people.
        subjects = [r[0] for r in rows if r[0].endswith("c" * 61)]
        people = [r[0] for r in connection.execute("SELECT id FROM participants ORDER BY rowid")]
        truth = dict(
            connection.execute(
                "SELECT participant_id, value_number FROM answers WHERE question_id = 'leeftijd'"
            ).fetchall()
        )
    return sum(
        1
        for subject, person in zip(subjects, people, strict=True)
        if truth[person] == int(subject[:3])
    )


def _assert_forgotten(path: Path, pseudonyms: list[str], ids: list[str]) -> None:
    with sqlite3.connect(path) as connection:
        # No free page is left: the pages the cut freed (with whatever they held) are gone.
        assert connection.execute("PRAGMA freelist_count").fetchone() == (0,)
    content = _file_bytes(path)
    for value in (*pseudonyms, *ids):
        assert value.encode() not in content
    assert _relinked(path) <= 5  # chance: about 1 (more than 5: once in 1700 runs)


async def test_cli_close_leaves_no_old_row_in_the_sqlite_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Before: the file re-links all 200 and holds every pseudonym; after `campagne close`: none."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAMENSPRAAK_DATA_DIR", str(tmp_path / "data"))
    for name in ("DATABASE_URL", "FLOWS_DIR", "TELEGRAM_TOKEN"):
        monkeypatch.delenv(f"SAMENSPRAAK_{name}", raising=False)
    path = tmp_path / "data" / "samenspraak.db"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade_async(url)
    campaign_id, pseudonyms, ids = await _answered(url)
    assert _relinked(path) == PEOPLE  # the attack works while the campaign is open
    assert pseudonyms[0].encode() in _file_bytes(path)
    result = await asyncio.to_thread(CliRunner().invoke, app, ["campagne", "close", campaign_id])
    assert result.exit_code == 0, result.output
    _assert_forgotten(path, pseudonyms, ids)


async def test_closing_in_the_chat_leaves_no_old_row_in_the_sqlite_file(
    harness: BotHarness, tmp_path: Path
) -> None:
    """The coordinator's 'Ja, sluiten': afterwards the file holds no old pseudonym or id."""
    werkgroep_id, user = await join_as_coordinator(harness, 9993001)
    assert harness.runtime is not None
    url = harness.settings.resolved_database_url
    path = Path(url.removeprefix("sqlite+aiosqlite:///"))
    _, pseudonyms, ids = await _answered(url, werkgroep_id)
    assert pseudonyms[0].encode() in _file_bytes(path)
    (listing,) = await say(user, "/campagnes")
    close = next(label for row in listing.buttons for label, _ in row if label.startswith("Sluit"))
    (ask,) = await tap(user, listing, close)
    (closed,) = await tap(user, ask, "Ja, sluiten")
    assert "De campagne is gesloten" in (closed.text or "")
    _assert_forgotten(path, pseudonyms, ids)
