"""aiosqlite with one thread hop per statement instead of four.

aiosqlite runs every call on the SQLite connection in its own thread and hands the result back
to the event loop. SQLAlchemy's aiosqlite adapter makes four such calls per statement (open a
cursor, execute, fetch, close), and each hop costs a queue put, a thread wake-up, a future and
a GIL hand-over: on the bot's hot path (about ten statements per update) those hops were a
fifth of the CPU of handling an update. Here ``cursor()`` is free and ``execute`` does the
whole statement (cursor, execute, fetch every row, close) in one hop; the rows wait in memory
for SQLAlchemy to read, which is what its adapter does anyway (it fetches everything at once).

A transaction's ``BEGIN`` makes no hop of its own either: it waits and runs in the hop of the
transaction's first statement (an update's transaction is about eight statements, so this is
one hop in nine). A transaction without a statement then needs neither ``BEGIN`` nor ``COMMIT``.
A ``BEGIN IMMEDIATE`` that fails (another process holds the write lock past the busy timeout)
fails that first statement instead, inside the same transaction.

Statements still run off the event loop, in aiosqlite's thread: a commit that waits for the
disk, or SQLite's busy handler waiting for another process's write lock, never blocks the loop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite

Row = tuple[Any, ...]
# What SQLAlchemy and storage.db send to open a transaction (see _WriterTurns there).
BEGINS = frozenset({"BEGIN", "BEGIN IMMEDIATE", "BEGIN DEFERRED", "BEGIN EXCLUSIVE"})
Description = tuple[tuple[Any, ...], ...] | None


def _run(
    connection: sqlite3.Connection, begin: str | None, sql: str, parameters: Any, many: bool
) -> tuple[Description, list[Row], int | None, int]:
    """One statement, start to finish, in aiosqlite's thread (after ``begin``, if any)."""
    cursor = connection.cursor()
    try:
        if begin is not None:
            cursor.execute(begin)
        if many:
            cursor.executemany(sql, parameters)
        elif parameters is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


class OneHopCursor:
    """The part of aiosqlite's cursor SQLAlchemy's adapter uses, one hop per statement."""

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self.description: Description = None
        self.lastrowid: int | None = None
        self.rowcount = -1
        self._rows: list[Row] = []

    async def execute(self, sql: str, parameters: Any = None) -> OneHopCursor:
        if sql in BEGINS and parameters in (None, (), []):
            self._connection.begin_later(sql)
            self.description, self._rows, self.rowcount = None, [], -1
            return self
        await self._statement(sql, parameters, many=False)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> OneHopCursor:
        await self._statement(sql, parameters, many=True)
        return self

    async def _statement(self, sql: str, parameters: Any, many: bool) -> None:
        connection = self._connection
        run = partial(_run, connection._conn, connection.take_begin(), sql, parameters, many)
        done = await connection._execute(run)  # type: ignore[no-untyped-call]
        self.description, self._rows, self.lastrowid, self.rowcount = done

    async def fetchall(self) -> Sequence[Row]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Row]:
        count = len(self._rows) if size is None else size
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def close(self) -> None:
        self._rows = []


class OneHopConnection(aiosqlite.Connection):
    # A BEGIN not yet sent: it goes with the next statement (see the module docstring).
    _begin: str | None = None

    async def cursor(self) -> OneHopCursor:  # type: ignore[override]
        return OneHopCursor(self)

    def begin_later(self, sql: str) -> None:
        if self._begin is not None or self._conn.in_transaction:
            # As SQLite would refuse it: "cannot start a transaction within a transaction".
            raise sqlite3.OperationalError("cannot start a transaction within a transaction")
        self._begin = sql

    def take_begin(self) -> str | None:
        begin, self._begin = self._begin, None
        return begin

    async def run(self, sql: str, parameters: Any, many: bool = False) -> tuple[list[Row], int]:
        """One statement in one hop, without a cursor object (``storage.fast``): its rows and
        its row count."""
        run = partial(_run, self._conn, self.take_begin(), sql, parameters, many)
        _, rows, _, rowcount = await self._execute(run)  # type: ignore[no-untyped-call]
        return rows, rowcount

    async def rollback(self) -> None:
        # The pool rolls back every connection it gets back, mostly after a commit: without a
        # transaction there is nothing to undo, so no hop. A BEGIN not sent is simply dropped.
        self._begin = None
        if self._conn.in_transaction:
            await super().rollback()

    async def commit(self) -> None:
        self._begin = None
        if self._conn.in_transaction:
            await super().commit()


def connect(database: str, *, iter_chunk_size: int = 64, **kwargs: Any) -> OneHopConnection:
    """``aiosqlite.connect`` with :class:`OneHopConnection`; awaited by SQLAlchemy."""
    connection = OneHopConnection(partial(sqlite3.connect, database, **kwargs), iter_chunk_size)
    connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite: never block exit
    return connection
