"""Logs at DEBUG and file modes (issue 15, item 4): SQL parameters never reach a log line."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.logging import QUIET, configure_logging
from storage import repo
from storage.db import make_engine, make_sessionmaker, upgrade_async
from storage.logs import SQL_LOGGERS
from storage.models import Answer, Campaign, Participant

SECRET = "geheim-antwoord-van-sanne"
PSEUDONYM = "7" * 64


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The production config at DEBUG, and the SQL loggers themselves explicitly at DEBUG."""
    root = logging.getLogger()
    names = (*QUIET, *SQL_LOGGERS)
    saved = (root.level, root.handlers[:], {n: logging.getLogger(n).level for n in names})
    configure_logging("DEBUG")
    for name in SQL_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    root.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    try:
        yield caplog
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)


async def test_no_sql_parameter_reaches_the_log_at_debug(
    tmp_path: Path, debug_logs: pytest.LogCaptureFixture
) -> None:
    """Store an answer and a pseudonym at DEBUG with echo on: neither appears in any record."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'db.sqlite'}"
    await upgrade_async(url)
    engine = make_engine(url, echo="debug")
    try:
        async with make_sessionmaker(engine).begin() as session:
            werkgroep, _, _ = await repo.create_werkgroep(session, "W", "armoede")
            campaign = Campaign(
                werkgroep_id=werkgroep.id,
                audience="jongeren",
                step_key="stap-3",
                flow_id="armoede.stap-3.jongeren",
                token_hash=repo.new_token(),
            )
            session.add(campaign)
            await session.flush()
            participant = Participant(campaign_id=campaign.id, pseudonym=PSEUDONYM)
            session.add(participant)
            await session.flush()
            await repo.store_participant_answer(
                session, participant, "zorgen", SECRET, free_text=True
            )
        async with make_sessionmaker(engine)() as session:
            assert await session.scalar(select(Answer.value_text)) == SECRET
            await session.execute(text("SELECT :x"), {"x": SECRET})
    finally:
        await engine.dispose()
    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''}"
        for record in debug_logs.records
    )
    assert SECRET not in logged and PSEUDONYM not in logged


async def test_sqlite_file_and_data_directory_are_private(tmp_path: Path) -> None:
    """A new data directory is 0700 and the database file 0600, whatever the umask."""
    old = os.umask(0o022)
    try:
        data = tmp_path / "nieuw" / "data"
        url = f"sqlite+aiosqlite:///{data / 'samenspraak.db'}"
        await upgrade_async(url)
    finally:
        os.umask(old)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "nieuw").stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "samenspraak.db").stat().st_mode) == 0o600
