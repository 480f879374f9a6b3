"""Database engine, sessions and migrations.

SQLite (the default, one machine) runs in WAL mode with a busy timeout so readers never block
the writer; PostgreSQL (several replicas) pings a pooled connection that rested a while before
handing it out (:class:`_IdlePing`), so a database that went away and came back is reconnected
without a restart.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import time
import weakref
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import await_only
from sqlalchemy.util.concurrency import in_greenlet

from storage import sqlite_driver
from storage.logs import silence_sql_loggers

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# How long a SQLite writer waits for the write lock before its transaction fails ("database is
# locked"), in this process (_WriterTurns) as from another one (SQLite's busy timeout).
SQLITE_BUSY_SECONDS = 30
# The execution option that marks a read-only unit of work (make_read_sessionmaker).
READ_ONLY = "samenspraak_read_only"
# A PostgreSQL connection that rested in the pool longer than this is pinged before use.
PING_AFTER_IDLE_SECONDS = 1.0


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    silence_sql_loggers()
    if is_sqlite(url):
        _ensure_sqlite_dir(url)
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, hide_parameters=True, **kwargs
        )
        event.listen(engine.sync_engine, "do_connect", _one_hop_connect)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        _WriterTurns().install(engine)
        return engine
    # hide_parameters: an error message must never carry answer text into the logs.
    # Timeouts: a database that silently drops packets fails an update in seconds, not minutes.
    engine = create_async_engine(
        url,
        hide_parameters=True,
        connect_args={"timeout": 10, "command_timeout": 30},
        **kwargs,
    )
    _IdlePing(PING_AFTER_IDLE_SECONDS).install(engine)
    return engine


class _IdlePing:
    """``pool_pre_ping``, but only for a connection that rested in the pool a while.

    SQLAlchemy's pre-ping sends ``SELECT 1`` at every checkout: a round trip before each
    transaction, two per answered update (the answer's and the outbox deletion's), about 5 % of
    the bot's CPU on PostgreSQL (docs/performance.md, round 11). A connection given back less
    than ``after`` seconds ago worked then; one that rested longer may have been dropped by a
    restart of the database or a firewall, and is pinged: if the ping fails the pool throws it
    away and hands out a fresh one (``DisconnectionError``, SQLAlchemy's documented way for a
    checkout listener), so the update does not fail. A database lost within that second fails
    a transaction as a database lost mid-transaction always could; SQLAlchemy then discards
    the connection.
    """

    _RETURNED = "samenspraak_returned_at"

    def __init__(self, after: float) -> None:
        self.after = after

    def install(self, engine: AsyncEngine) -> None:
        self._dialect = engine.sync_engine.dialect
        event.listen(engine.sync_engine.pool, "checkin", self._checkin)
        event.listen(engine.sync_engine.pool, "checkout", self._checkout)

    def _checkin(self, _dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[self._RETURNED] = time.monotonic()

    def _checkout(self, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(self._RETURNED)
        if returned is None or time.monotonic() - returned <= self.after:
            return  # new (just connected), or used a moment ago
        try:
            alive = self._dialect.do_ping(dbapi_connection)
        except Exception as error:  # the driver's own error for a dead connection
            raise DisconnectionError(
                f"connection lost while idle: {type(error).__name__}"
            ) from None
        if not alive:
            raise DisconnectionError("connection lost while idle")


def _ensure_sqlite_dir(url: str) -> None:
    """Create the data directory (0700) and the database file (0600) before SQLite does.

    SQLite would create the file with the process umask (often 0644): readable by every account
    on the machine. Its -wal and -shm files take the database file's mode.
    """
    path = url.split(":///", 1)[-1].split("?", 1)[0]
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    database = Path(path)
    missing = [p for p in (database.parent, *database.parent.parents) if not p.exists()]
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    for created in missing:
        os.chmod(created, 0o700)  # mkdir's mode is filtered by the umask
    if not database.exists():
        fd = os.open(database, os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(database, 0o600)


def _one_hop_connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    """Connect through :mod:`storage.sqlite_driver` (one thread hop per statement)."""
    return dialect.dbapi.connect(*cargs, async_creator_fn=sqlite_driver.connect, **cparams)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (see _WriterTurns).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # NORMAL is durable in WAL mode except against power loss of the last commit; each
    # answer is still committed before the reply is sent.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    cursor.close()


class _WriterTurns:
    """First come, first served for SQLite's one writer, within this process.

    Every transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock up front, because
    a transaction that reads and then writes would otherwise fail with SQLITE_BUSY when another
    writer committed in between (WAL). Left to SQLite, the connections waiting for that lock
    poll it with the busy handler's growing sleeps (up to 100 ms each), and a waiter that just
    slept loses to one that arrived later: under steady load a few requests waited over a
    second (``benchmarks.web``: p50 34 ms, p99 1.2-2.0 s). Here a waiting transaction queues on
    an ``asyncio.Lock`` (FIFO) before it asks SQLite, so the lock passes straight to the next
    in line; the busy timeout still covers other processes (the CLI) on the same file.

    SQLAlchemy's connection events are synchronous; on the async engine they run inside its
    greenlet, where ``await_only`` may wait for the lock without blocking the event loop.
    """

    _HELD = "samenspraak_writer_turn"

    def __init__(self) -> None:
        # One lock per event loop: tests and the CLI may drive one engine from several loops.
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def install(self, engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "begin", self._begin)
        event.listen(engine.sync_engine, "commit", self._end)
        event.listen(engine.sync_engine, "rollback", self._end)
        # A connection that goes back to the pool, or is thrown away, mid-transaction.
        event.listen(engine.sync_engine.pool, "checkin", self._checkin)
        event.listen(engine.sync_engine.pool, "invalidate", self._invalidate)

    def _lock(self) -> asyncio.Lock | None:
        if not in_greenlet():
            return None  # a plain synchronous caller: SQLite's busy timeout alone
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    def _begin(self, connection: Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # Readers see a snapshot in WAL mode and never need the write lock.
            _send_begin(connection, "BEGIN")
            return
        lock = self._lock()
        if lock is not None:
            try:
                await_only(_acquire(lock))
            except TimeoutError as waited:
                # As SQLite itself would fail: e.g. a transaction opened inside another one.
                raise OperationalError("BEGIN IMMEDIATE", None, waited) from None
            connection.info[self._HELD] = lock
        try:
            _send_begin(connection, "BEGIN IMMEDIATE")
        except BaseException:
            self._release(connection.info)
            raise

    def _end(self, connection: Connection) -> None:
        self._release(connection.info)

    def _checkin(self, _dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            self._release(record.info)

    def _invalidate(self, _dbapi_connection: Any, record: Any, _exception: Any) -> None:
        self._checkin(_dbapi_connection, record)

    def _release(self, info: dict[Any, Any]) -> None:
        lock = info.pop(self._HELD, None)
        if lock is not None and lock.locked():
            lock.release()


def _send_begin(connection: Connection, sql: str) -> None:
    """BEGIN as the driver's first statement: :mod:`storage.sqlite_driver` holds it back for the
    transaction's first statement anyway, so it need not take SQLAlchemy's execution path (an
    execution context and a cursor, about 50 µs of every transaction)."""
    driver = connection.connection.driver_connection
    if not isinstance(driver, sqlite_driver.OneHopConnection):
        connection.exec_driver_sql(sql)
        return
    try:
        driver.begin_later(sql)
    except sqlite3.Error as error:  # as exec_driver_sql would raise it
        raise DBAPIError.instance(sql, None, error, sqlite3.Error) from error


async def _acquire(lock: asyncio.Lock) -> None:
    # asyncio.timeout, not wait_for: no task per transaction (wait_for wraps the acquire in one).
    async with asyncio.timeout(SQLITE_BUSY_SECONDS):
        await lock.acquire()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def make_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Units of work that only read (what a page shows). On SQLite they begin a plain deferred
    transaction: they neither take the write lock nor queue behind the writers for it. A write
    in one may fail with SQLITE_BUSY: write through :func:`make_sessionmaker`'s sessions."""
    return async_sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations (blocking; it runs its own event loop, so call it from a thread)."""
    # Alembic (and Mako, Pygments and every SQL dialect it registers) costs about 0.2-0.3 s to
    # import: only a database that is behind pays for it, see upgrade_async.
    from alembic import command

    if is_sqlite(url):
        _ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str, engine: AsyncEngine | None = None) -> None:
    """Apply the migrations a database lacks; nothing (and no Alembic) when it is at the head.

    ``engine``: an engine on ``url`` to read the current revision with (else a short-lived one).
    """
    if is_sqlite(url):
        _ensure_sqlite_dir(url)
    reader = engine if engine is not None else make_engine(url)
    try:
        current = await current_revision(reader)
    except Exception:
        current = None
    finally:
        if engine is None:
            await reader.dispose()
    if current is not None and current == head_revision():
        return
    await asyncio.to_thread(upgrade, url)


_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(
    r"^down_revision\s*(?::[^=]*)?=\s*(?:None|['\"]([^'\"]+)['\"])", re.MULTILINE
)


@cache
def known_revisions() -> dict[str, str | None]:
    """Every migration's revision and the one before it, read from the migration files.

    Without importing Alembic: a restart of a migrated database only needs the head's name.
    ``tests/test_storage.py`` checks this agrees with Alembic's own reading.
    """
    revisions: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            raise RuntimeError(f"{path.name}: no revision / down_revision line")
        revisions[revision.group(1)] = down.group(1)
    return revisions


def head_revision() -> str | None:
    """The newest migration: the one no other migration follows."""
    revisions = known_revisions()
    heads = set(revisions) - set(revisions.values())
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have several heads: {sorted(heads)}")
    return next(iter(heads), None)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database was migrated to (``None``: never migrated)."""
    async with engine.connect() as connection:
        has_table = await connection.run_sync(
            lambda sync: sync.dialect.has_table(sync, "alembic_version")
        )
        if not has_table:
            return None
        rows = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
    if len(rows) > 1:  # a branched history; this code has one line of migrations
        raise RuntimeError(f"alembic_version holds several revisions: {rows}")
    return rows[0][0] if rows else None


async def compact(engine: AsyncEngine) -> bool:
    """SQLite: rebuild the file (``VACUUM``) and empty the WAL; other databases: nothing.

    Run after the cut of a campaign, outside any transaction: the rows the cut deleted (with
    their pseudonyms, ids and storage order) otherwise stay readable in free pages of the file
    and in the WAL until SQLite happens to reuse them. Returns whether anything was done.
    """
    if engine.dialect.name != "sqlite":
        return False
    async with engine.connect() as connection:
        # The driver connection itself: SQLAlchemy would open a transaction (BEGIN IMMEDIATE,
        # see _WriterTurns) and VACUUM cannot run inside one.
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        await driver.execute("VACUUM")
        await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return True
