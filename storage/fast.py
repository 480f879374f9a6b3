"""The hot path's Core statements, sent straight to the SQLite driver inside the session's
transaction.

Every update runs about seven Core statements (claim the update id, load and save the chat
session and the conversation, store the answer and its themes, enqueue the replies). Through
``AsyncSession.execute`` each one costs about 60 µs of CPU above what the driver needs (the
session's execute path, the greenlet bridge, the execution context, the result objects): on
this machine 80 µs per statement against 18 µs for the driver alone (``benchmarks.e2e`` and the
notes in docs/performance.md). :func:`execute` keeps SQLAlchemy for what it is good at (the
statement is written and compiled by SQLAlchemy, with its types' bind and result processors)
and does once, at the first use of a statement with a given set of parameter names, what the
execution path does every time; the statement then runs on the session's own connection, in
its transaction, in one thread hop (``storage.sqlite_driver.OneHopConnection.run``).

What it does not do falls back to ``session.execute`` (the same statement, the same result):
another driver (PostgreSQL runs through asyncpg and SQLAlchemy as before), a statement whose
compiled form needs a value the parameters do not give (a column default, an ``onupdate``),
an expanding ``IN``, or a statement on mapped classes rather than tables (for those the session
autoflushes pending objects first; for statements on tables, the hot path's, it does not, and
neither does this module). A driver error is raised as SQLAlchemy's exception of the same kind
(``IntegrityError``, ``OperationalError``), so callers see no difference but the time.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.expression import Executable

from storage.sqlite_driver import OneHopConnection

Parameters = Mapping[str, Any]
Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class Rows:
    """What a statement gave back: its rows (processed to Python values) and its row count."""

    rows: list[tuple[Any, ...]]
    rowcount: int

    def first(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    def scalar_one(self) -> Any:
        if len(self.rows) != 1:
            raise ValueError(f"expected one row, got {len(self.rows)}")
        return self.rows[0][0]


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the parameters in the order of the SQL's placeholders
    binds: tuple[Processor, ...]
    results: tuple[Processor, ...]
    constants: Mapping[str, Any]

    def arguments(self, parameters: Parameters) -> tuple[Any, ...]:
        if self.constants:
            parameters = {**self.constants, **parameters}
        values = map(parameters.__getitem__, self.names)
        return tuple(
            value if process is None else process(value)
            for process, value in zip(self.binds, values, strict=True)
        )

    def processed(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        if not any(self.results):
            return rows
        return [
            tuple(
                value if process is None or value is None else process(value)
                for process, value in zip(self.results, row, strict=True)
            )
            for row in rows
        ]


# Compiled forms per engine's dialect, by (statement, parameter names); None: the statement
# falls back. Weakly keyed: an engine disposed of (tests make hundreds) takes its forms along.
# The statements are module-level constants, so each dialect's share stays as small as the hot
# path.
_COMPILED: weakref.WeakKeyDictionary[
    Dialect, dict[tuple[Executable, tuple[str, ...]], _Compiled | None]
] = weakref.WeakKeyDictionary()
# A statement built anew on every call would never hit the cache: past this many entries (per
# dialect), new ones are not compiled here but run through SQLAlchemy (which caches its own).
MAX_COMPILED = 256


def compiled_for(statement: Executable, names: Sequence[str], dialect: Dialect) -> _Compiled | None:
    if _orm_enabled(statement):
        return None  # session.execute autoflushes for these (and may return entities)
    forms = _COMPILED.get(dialect)
    if forms is None:
        forms = _COMPILED[dialect] = {}
    key = (statement, tuple(sorted(names)))
    if key in forms:
        return forms[key]
    if len(forms) >= MAX_COMPILED:
        return None
    plan = forms[key] = _compile(statement, key[1], dialect)
    return plan


def _orm_enabled(statement: Executable) -> bool:
    """A statement on mapped classes (``select(Answer)``) rather than tables: SQLAlchemy has
    no public flag for it; this is the one its session checks."""
    attributes = getattr(statement, "_propagate_attrs", {})
    return bool(attributes.get("compile_state_plugin") == "orm")


def _compile(statement: Executable, names: tuple[str, ...], dialect: Dialect) -> _Compiled | None:
    compiled = statement.compile(dialect=dialect, column_keys=list(names))  # type: ignore[attr-defined]
    if compiled.insert_prefetch or compiled.update_prefetch:
        return None  # a Python-side default or onupdate: SQLAlchemy's execution path sets it
    order = tuple(compiled.positiontup or ())
    binds = [compiled.binds[name] for name in order]
    if any(
        b.expanding or (n not in names and b.required) for n, b in zip(order, binds, strict=True)
    ):
        return None  # an expanding IN, or a value the parameters lack
    # A value written into the statement (``.values(completed=True)``) is a constant.
    constants = {n: b.effective_value for n, b in zip(order, binds, strict=True) if n not in names}
    processors = tuple(b.type.dialect_impl(dialect).bind_processor(dialect) for b in binds)
    columns = getattr(statement, "exported_columns", ())
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
    )
    return _Compiled(compiled.string, order, processors, results, constants)


async def execute(
    session: AsyncSession, statement: Executable, parameters: Parameters | Sequence[Parameters]
) -> Rows:
    """``session.execute(statement, parameters)`` in the session's transaction; a sequence of
    parameter sets runs the statement once per set (executemany; no rows come back)."""
    many = not isinstance(parameters, Mapping)
    sets: list[Parameters] = [parameters] if isinstance(parameters, Mapping) else list(parameters)
    if not sets:
        return Rows([], 0)
    bind = session.get_bind()
    plan = (
        compiled_for(statement, list(sets[0]), bind.dialect)
        if bind.dialect.name == "sqlite"
        else None
    )
    driver = await _driver(session) if plan is not None else None
    if plan is None or driver is None:
        result = await session.execute(statement, parameters)
        if not isinstance(result, CursorResult):  # the ORM's rows
            rows = [tuple(row) for row in result]
            return Rows(rows, len(rows))
        rows = [tuple(row) for row in result] if result.returns_rows else []
        return Rows(rows, result.rowcount)
    arguments = [plan.arguments(each) for each in sets] if many else plan.arguments(sets[0])
    try:
        rows, rowcount = await driver.run(plan.sql, arguments, many)
    except sqlite3.Error as error:
        raise DBAPIError.instance(
            plan.sql, None, error, sqlite3.Error, hide_parameters=True
        ) from error
    return Rows(plan.processed(rows), rowcount)


async def _driver(session: AsyncSession) -> OneHopConnection | None:
    """The driver connection of the session's transaction (begun if it was not yet); looked up
    once per transaction (asking the session for its connection costs as much as a statement)."""
    transaction = session.get_transaction()
    known = session.info.get(_DRIVER)
    if transaction is not None and known is not None and known[0] is transaction:
        return cast(OneHopConnection | None, known[1])
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    found: object = raw.driver_connection
    driver = found if isinstance(found, OneHopConnection) else None
    session.info[_DRIVER] = (session.get_transaction(), driver)
    return driver


_DRIVER = "storage.fast.driver"  # session.info key: (the transaction, its driver connection)


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """``sessions.begin()`` for the hot path: commit at the end, roll back on an error, close.

    SQLAlchemy's own context managers run each close in a task of its own (so that a cancelled
    caller cannot abandon it halfway), two tasks and about ten event-loop turns per
    transaction, 60 µs of CPU. After a commit, closing does not wait for anything (the
    connection goes back to the pool, and ``storage.sqlite_driver`` sends no rollback outside a
    transaction), so a cancellation cannot land in it; the rollback after an error does wait,
    and is shielded as SQLAlchemy shields it."""
    session = sessions()
    try:
        yield session
    except BaseException:
        await asyncio.shield(session.close())  # rolls back
        raise
    try:
        await session.commit()
    except BaseException:
        await asyncio.shield(session.close())
        raise
    await session.close()
