"""What the database is sent, for tests that count or inspect statements.

On SQLite the hot path's statements do not go through SQLAlchemy's execution path (they are
sent to the driver by ``storage.fast``), so its ``before_cursor_execute`` event does not see
them: there the statements and commits are recorded in the driver (``storage.sqlite_driver``),
which every statement passes, whichever way it came. Elsewhere (PostgreSQL) SQLAlchemy's events
see everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from storage import sqlite_driver

# (a key for the connection, the SQL): statements of one transaction share the key.
OnStatement = Callable[[int, str], None]
OnCommit = Callable[[int], None]


@contextmanager
def traced(
    engine: Engine, on_statement: OnStatement, on_commit: OnCommit | None = None
) -> Iterator[None]:
    """Call ``on_statement`` for every statement sent meanwhile (BEGIN and COMMIT not
    included) and ``on_commit`` for every commit."""
    if engine.dialect.name == "sqlite":
        with _in_the_driver(on_statement, on_commit):
            yield
        return

    def statement(connection: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        on_statement(id(connection), sql)

    def commit(connection: Any) -> None:
        if on_commit is not None:
            on_commit(id(connection))

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


@contextmanager
def _in_the_driver(on_statement: OnStatement, on_commit: OnCommit | None) -> Iterator[None]:
    run, commit = sqlite_driver._run, sqlite_driver.OneHopConnection.commit

    def recording_run(connection: Any, begin: Any, sql: str, *args: Any) -> Any:
        if not sql.startswith("PRAGMA"):  # a new connection's set-up, as SQLAlchemy's events
            on_statement(id(connection), sql)
        return run(connection, begin, sql, *args)

    async def recording_commit(self: sqlite_driver.OneHopConnection) -> None:
        if on_commit is not None:
            on_commit(id(self._conn))
        await commit(self)

    sqlite_driver._run = recording_run  # type: ignore[assignment]
    sqlite_driver.OneHopConnection.commit = recording_commit  # type: ignore[method-assign]
    try:
        yield
    finally:
        sqlite_driver._run = run  # type: ignore[assignment]
        sqlite_driver.OneHopConnection.commit = commit  # type: ignore[method-assign]


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent meanwhile, in order."""
    sent: list[str] = []
    with traced(engine, lambda _key, sql: sent.append(sql)):
        yield sent
