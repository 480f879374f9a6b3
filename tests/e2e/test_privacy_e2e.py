"""Privacy through the real bot: nothing identifying in the database or the logs."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from bot.config import load_settings
from bot.logging import QUIET, configure_logging
from bot.privacy.errors import PepperError
from bot.runtime import Runtime
from tests.e2e.conftest import TOKEN, BotHarness, answer_current, press, question_of, say

USER_ID = 918273645
SECRET_TEXT = "Bel me op 06-12345678 of mail zoe.jansen@example.nl, ik woon Kerkstraat 12"


async def _full_conversation(harness: BotHarness) -> None:
    token = await harness.campaign("jongeren")
    user = harness.api.user(USER_ID, first_name="Zoë", username="zoe_jansen_2011")
    (notice,) = await say(user, f"/start {token}")
    messages = await press(user, notice, "Ik doe mee")
    for _ in range(40):
        question = question_of(messages)
        messages = await answer_current(user, question, text=SECRET_TEXT)
        if any("Klaar!" in (m.text or "") for m in messages):
            return
    raise AssertionError("the consultation did not finish")


async def _dump(harness: BotHarness) -> str:
    assert harness.runtime is not None
    metadata = MetaData()
    async with harness.runtime.database.connect() as connection:
        await connection.run_sync(metadata.reflect)
        rows = []
        for table in metadata.sorted_tables:
            rows.extend(repr(tuple(row)) for row in (await connection.execute(select(table))).all())
    return "\n".join(rows)


async def test_no_identity_in_any_table(harness: BotHarness) -> None:
    """After a full conversation no table holds the user id, names or the redacted items."""
    await _full_conversation(harness)
    dump = await _dump(harness)
    assert "zorgen" in dump or "signalen" in dump  # the answers are there …
    for secret in (
        str(USER_ID),
        "Zoë",
        "zoe_jansen_2011",
        "06-12345678",
        "12345678",
        "zoe.jansen@example.nl",
        "Kerkstraat 12",
    ):
        assert secret not in dump, secret  # … but nothing that identifies the user
    assert "[telefoonnummer]" in dump and "[e-mail]" in dump


async def test_logs_are_clean_at_debug_with_the_production_config(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """With the production logging config at DEBUG, no log line has text, ids or the token."""
    root = logging.getLogger()
    saved = (root.level, root.handlers[:], {n: logging.getLogger(n).level for n in QUIET})
    configure_logging("DEBUG")
    root.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    try:
        await _full_conversation(harness)
    finally:  # the production config is global: put the test run's logging back
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (
        str(USER_ID),
        "Zoë",
        "zoe_jansen",
        "06-12345678",
        TOKEN,
        TOKEN.split(":")[1],
        "Ik doe mee",
        "Kerkstraat",
    ):
        assert secret not in logged, secret


def test_start_is_refused_without_a_pepper_for_postgresql(tmp_path: Path) -> None:
    """A PostgreSQL deployment without SAMENSPRAAK_PEPPER does not start."""
    settings = load_settings(
        telegram_token=TOKEN,
        data_dir=tmp_path,
        database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none",
    )
    with pytest.raises(PepperError, match="SAMENSPRAAK_PEPPER"):
        Runtime.build(settings)


def test_sqlite_creates_a_private_pepper_file(tmp_path: Path) -> None:
    """A single-machine SQLite deployment creates data/pepper with mode 0600 on first run."""
    settings = load_settings(telegram_token=TOKEN, data_dir=tmp_path)
    runtime = Runtime.build(settings)
    pepper = tmp_path / "pepper"
    assert pepper.exists() and stat.S_IMODE(os.stat(pepper).st_mode) == 0o600
    assert runtime.subject(1) == Runtime.build(settings).subject(1)
