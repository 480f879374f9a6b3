"""SQLite statements cost one thread hop each (storage/sqlite_driver.py), and behave as with
plain aiosqlite: rows, row counts, inserted ids, many rows, errors."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import db
from storage.db import make_engine
from storage.sqlite_driver import OneHopConnection


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    built = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'hops.db'}")
    async with built.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
    yield built
    await built.dispose()


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every call handed to a connection's thread."""
    seen: list[str] = []
    original = OneHopConnection._execute

    async def counting(self: OneHopConnection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(getattr(fn, "func", fn), "__name__", "?"))
        return await original(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(OneHopConnection, "_execute", counting)
    return seen


async def test_the_engine_connects_through_the_one_hop_driver(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, OneHopConnection)


async def test_each_statement_is_one_hop(engine: AsyncEngine, hops: list[str]) -> None:
    """aiosqlite through SQLAlchemy's adapter made four hops per statement (cursor, execute,
    fetch, close); here each statement is one, BEGIN goes with the first, plus one for COMMIT.
    The pool's rollback of the returned connection needs none: no transaction is open any
    more."""
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))
        await connection.execute(text("SELECT v FROM t"))
        await connection.execute(text("UPDATE t SET v = 'b'"))
        assert hops == ["_run", "_run", "_run"]
    assert hops[3:] == ["commit"]
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT v FROM t"))).scalar() == "b"


async def test_a_transaction_without_statements_makes_no_hop(
    engine: AsyncEngine, hops: list[str]
) -> None:
    """BEGIN waits for a first statement; with none, neither BEGIN nor COMMIT is sent."""
    async with engine.begin():
        pass
    assert hops == []
    async with engine.begin() as connection:  # the next transaction begins normally
        await connection.execute(text("INSERT INTO t (v) VALUES ('next')"))
    assert hops == ["_run", "commit"]


async def test_begin_immediate_still_takes_the_write_lock_first(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """While a transaction that has run a statement is open, another process's connection
    cannot write (the lock came with the first statement, before its read)."""
    async with engine.begin() as connection:
        await connection.execute(text("SELECT count(*) FROM t"))
        other = sqlite3.connect(tmp_path / "hops.db", timeout=0.1, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("INSERT INTO t (v) VALUES ('other')")
        finally:
            other.close()


async def test_a_begin_that_fails_fails_the_first_statement(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the write lock past the busy timeout: the transaction's first
    statement fails, nothing is written, and the next transaction works."""
    monkeypatch.setattr(db, "SQLITE_BUSY_SECONDS", 1)
    other = sqlite3.connect(tmp_path / "hops.db", timeout=0.1, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        locked = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'hops.db'}")
        with pytest.raises(OperationalError, match="locked"):
            async with locked.begin() as connection:
                await connection.execute(text("INSERT INTO t (v) VALUES ('blocked')"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    async with locked.begin() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('after')"))
    async with locked.connect() as connection:
        values = (await connection.execute(text("SELECT v FROM t"))).scalars().all()
    await locked.dispose()
    assert values == ["after"]


async def test_a_rollback_still_undoes_an_open_transaction(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('undone')"))
        await connection.rollback()
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 0


async def test_rows_counts_and_ids_come_back_as_with_aiosqlite(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO t (v) VALUES ('x')"))
        assert inserted.lastrowid == 1
        await connection.execute(
            text("INSERT INTO t (v) VALUES (:v)"), [{"v": f"row{n}"} for n in range(300)]
        )
        updated = await connection.execute(text("UPDATE t SET v = v || '!' WHERE id > 100"))
        assert updated.rowcount == 201
        result = await connection.execute(text("SELECT id, v FROM t ORDER BY id"))
        assert result.fetchone() == (1, "x")
        assert [row.id for row in result.fetchmany(2)] == [2, 3]
        rest = result.fetchall()
        assert len(rest) == 298 and rest[-1].v == "row299!"
        nothing = await connection.execute(text("SELECT v FROM t WHERE id < 0"))
        assert nothing.fetchall() == [] and nothing.fetchone() is None


async def test_a_failing_statement_raises_and_rolls_back(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t (v) VALUES ('dup')"))
            await connection.execute(text("INSERT INTO t (v) VALUES ('dup')"))
    async with engine.connect() as connection:
        left = await connection.execute(text("SELECT count(*) FROM t WHERE v = 'dup'"))
        assert left.scalar() == 0
