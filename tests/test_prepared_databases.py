"""The test databases are empty and at the head, however the previous test left them.

``prepared_database`` (tests/conftest.py) copies SQLite files from one migrated template and
empties a PostgreSQL database whose schema is the head's instead of rebuilding it; a database
a test changed (rows written, a migration undone) must still come back empty and at the head.
"""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import alembic_config, current_revision, head_revision, known_revisions, make_engine
from tests.conftest import prepared_database


async def _werkgroepen_and_revision(url: str) -> tuple[list[str], str | None]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            names = (await connection.execute(text("SELECT naam FROM werkgroepen"))).scalars()
            found = list(names)
        return found, await current_revision(engine)
    finally:
        await engine.dispose()


async def _write_werkgroep(url: str, naam: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO werkgroepen (id, naam, template_id, created_at) "
                    "VALUES (:id, :naam, 'armoede', CURRENT_TIMESTAMP)"
                ),
                {"id": naam, "naam": naam},
            )
    finally:
        await engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_a_database_a_test_wrote_to_comes_back_empty(kind: str, tmp_path: Path) -> None:
    first = await prepared_database(kind, tmp_path / "first")
    await _write_werkgroep(first, "oud")
    assert (await _werkgroepen_and_revision(first))[0] == ["oud"]

    second = await prepared_database(kind, tmp_path / "second")
    assert await _werkgroepen_and_revision(second) == ([], head_revision())
    await _write_werkgroep(second, "nieuw")  # and it takes rows again
    assert (await _werkgroepen_and_revision(second))[0] == ["nieuw"]


def _downgrade(url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


async def test_a_postgresql_schema_not_at_the_head_is_rebuilt(tmp_path: Path) -> None:
    url = await prepared_database("postgresql", tmp_path)
    await _write_werkgroep(url, "oud")
    before_head = known_revisions()[str(head_revision())]
    assert before_head is not None
    await asyncio.to_thread(_downgrade, url, before_head)

    again = await prepared_database("postgresql", tmp_path)
    assert await _werkgroepen_and_revision(again) == ([], head_revision())


async def test_a_copied_sqlite_file_is_private_and_its_own(tmp_path: Path) -> None:
    one = await prepared_database("sqlite", tmp_path / "one")
    two = await prepared_database("sqlite", tmp_path / "two")
    await _write_werkgroep(one, "alleen-hier")
    assert (await _werkgroepen_and_revision(two))[0] == []
    path = tmp_path / "one" / "test.db"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
