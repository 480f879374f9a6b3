"""SQLite's one writer is handed on first come, first served within the process
(storage/db.py, _WriterTurns): no transaction waits behind later arrivals, and a failed,
cancelled or abandoned transaction passes the turn on."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import db
from storage.db import make_engine

WRITERS = 24


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncEngine:
    built = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}")
    async with built.begin() as connection:
        await connection.execute(text("CREATE TABLE log (n INTEGER NOT NULL)"))
    yield built
    await built.dispose()


async def logged(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as connection:
        return list((await connection.execute(text("SELECT n FROM log ORDER BY rowid"))).scalars())


async def test_a_writer_that_waited_goes_before_one_that_came_later(engine: AsyncEngine) -> None:
    """Left to SQLite, a transaction that waited long for the lock polls it every 100 ms, and
    one that arrives just after the lock came free takes it first (a few requests then waited
    over a second under load). Here the one that asked first goes first."""
    committed = asyncio.Event()
    order: list[str] = []

    async def write(name: str, hold: float = 0.0) -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO log (n) VALUES (1)"))
            order.append(name)
            await asyncio.sleep(hold)

    async def first() -> None:
        await write("first", hold=0.5)
        committed.set()

    holder = asyncio.create_task(first())
    await asyncio.sleep(0.05)
    waited = asyncio.create_task(write("waited"))  # asks while the lock is held
    await committed.wait()
    await write("later")  # asks right after the lock came free
    await waited
    await holder
    assert order == ["first", "waited", "later"]


async def test_every_one_of_many_writers_commits(engine: AsyncEngine) -> None:
    async def write(n: int) -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO log (n) VALUES (:n)"), {"n": n})
            await asyncio.sleep(0.002)

    await asyncio.gather(*(write(n) for n in range(WRITERS)))
    assert sorted(await logged(engine)) == list(range(WRITERS))


async def test_a_failed_transaction_passes_the_turn_on(engine: AsyncEngine) -> None:
    with pytest.raises(RuntimeError):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO log (n) VALUES (1)"))
            raise RuntimeError("handler failed")
    with pytest.raises(Exception, match="no such table"):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO missing (n) VALUES (2)"))
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO log (n) VALUES (3)"))
    assert await logged(engine) == [3]


async def test_a_cancelled_writer_and_a_cancelled_waiter_pass_the_turn_on(
    engine: AsyncEngine,
) -> None:
    holding = asyncio.Event()

    async def hold() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO log (n) VALUES (1)"))
            holding.set()
            await asyncio.sleep(30)

    async def wait_in_line(n: int) -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO log (n) VALUES (:n)"), {"n": n})

    holder = asyncio.create_task(hold())
    await holding.wait()
    waiter = asyncio.create_task(wait_in_line(2))
    await asyncio.sleep(0.01)
    waiter.cancel()  # gives up while waiting for the turn
    last = asyncio.create_task(wait_in_line(3))
    await asyncio.sleep(0.01)
    holder.cancel()  # rolled back mid-transaction
    await asyncio.wait_for(last, timeout=10)
    for task in (holder, waiter):
        with pytest.raises(asyncio.CancelledError):
            await task
    assert await logged(engine) == [3]


async def test_a_connection_returned_mid_transaction_passes_the_turn_on(
    engine: AsyncEngine,
) -> None:
    """A connection closed without commit or rollback (the pool resets it)."""
    connection = await engine.connect()
    await connection.begin()
    await connection.execute(text("INSERT INTO log (n) VALUES (1)"))
    await connection.close()
    async with engine.begin() as other:
        await other.execute(text("INSERT INTO log (n) VALUES (2)"))
    assert await logged(engine) == [2]


def test_one_engine_serves_several_event_loops(tmp_path: Path) -> None:
    """The CLI and tests drive an engine from more than one loop: each gets its own line."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'loops.db'}")

    async def write(statement: str) -> None:
        async with engine.begin() as connection:
            await connection.execute(text(statement))

    asyncio.run(write("CREATE TABLE log (n INTEGER)"))
    asyncio.run(write("INSERT INTO log (n) VALUES (1)"))

    async def read_and_dispose() -> list[int]:
        rows = await logged(engine)
        await engine.dispose()
        return rows

    assert asyncio.run(read_and_dispose()) == [1]


async def test_a_writer_that_waits_too_long_fails_as_sqlite_would(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction opened inside another one of the same task can never get the lock: it
    fails after the busy timeout ("database is locked"), as it did before the turns, instead of
    hanging; the outer transaction still commits."""
    monkeypatch.setattr(db, "SQLITE_BUSY_SECONDS", 0.2)
    async with engine.begin() as outer:
        await outer.execute(text("INSERT INTO log (n) VALUES (1)"))
        with pytest.raises(OperationalError):
            async with engine.begin() as inner:
                await inner.execute(text("INSERT INTO log (n) VALUES (2)"))
    assert await logged(engine) == [1]
