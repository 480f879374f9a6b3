"""Shared fixtures: the shipped flows, the engine, and databases (SQLite always, PostgreSQL
when SAMENSPRAAK_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import shutil
import sqlite3
import tempfile
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.engine import Catalog, Engine, load_catalog
from storage import repo
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.models import Campaign, Participant

# See bot/telegram/__init__.py: PTB warns on RetryAfter without it, and warnings are errors.
os.environ.setdefault("PTB_TIMEDELTA", "true")

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"
PG_URL = os.environ.get("SAMENSPRAAK_TEST_DATABASE_URL")
PG_SKIP_REASON = "SAMENSPRAAK_TEST_DATABASE_URL is not set (PostgreSQL tests run in CI)"


@pytest.fixture(autouse=True)
def _no_idle_event_loop(request: pytest.FixtureRequest) -> Iterator[None]:
    """pytest-asyncio leaves an idle event loop set after an async test; a plain test that
    calls ``asyncio.run`` (the CLI tests) replaces it without closing it, and its self-pipe
    sockets then warn at some later test (warnings are errors). Close it before plain tests."""
    if not inspect.iscoroutinefunction(getattr(request, "function", None)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                loop = asyncio.get_event_loop_policy().get_event_loop()
            except RuntimeError:
                loop = None
        if loop is not None and not loop.is_running() and not loop.is_closed():
            loop.close()
        asyncio.set_event_loop(None)
    yield


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(FLOWS)


@pytest.fixture(scope="session")
def engine(catalog: Catalog) -> Engine:
    return Engine(catalog)


async def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


# Migrating an empty database takes 0.3-0.6 s (SQLite) and 1-1.5 s (PostgreSQL), and several
# hundred tests start from one: SQLite files are copied from one migrated per revision, and a
# PostgreSQL database whose schema is exactly the head's is emptied instead of rebuilt.
_SQLITE_TEMPLATES: dict[str, Path] = {}
_PG_HEAD_SCHEMA: list[str] = []  # the fingerprint of a freshly migrated head schema, once known

_SCHEMA_FINGERPRINT = text(
    """
    SELECT md5(string_agg(item, ',' ORDER BY item)) FROM (
      SELECT 'c:' || table_name || '.' || column_name || ':' || data_type || ':'
             || is_nullable || ':' || coalesce(column_default, '') AS item
        FROM information_schema.columns WHERE table_schema = 'public'
      UNION ALL SELECT 'i:' || indexname || ':' || indexdef FROM pg_indexes
        WHERE schemaname = 'public'
      UNION ALL SELECT 'k:' || conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace
      UNION ALL SELECT 't:' || tgname || ':' || pg_get_triggerdef(oid) FROM pg_trigger
        WHERE NOT tgisinternal
      UNION ALL SELECT 'f:' || md5(pg_get_functiondef(p.oid)) FROM pg_proc p
        WHERE pronamespace = 'public'::regnamespace
      UNION ALL SELECT 'v:' || version_num FROM alembic_version
    ) AS schema_items
    """
)


async def _pg_schema_fingerprint(url: str) -> str | None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(_SCHEMA_FINGERPRINT)).scalar_one()
    except Exception:  # no alembic_version table: not a migrated database
        return None
    finally:
        await engine.dispose()


async def _emptied_if_at_head(url: str) -> bool:
    """Empty every table (identities restarted) when the schema is exactly a fresh head's."""
    if not _PG_HEAD_SCHEMA or await _pg_schema_fingerprint(url) != _PG_HEAD_SCHEMA[0]:
        return False
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            tables = (
                await connection.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version'"
                    )
                )
            ).scalars()
            names = ", ".join(f'"{name}"' for name in tables)
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()
    return True


async def _prepared_postgres(revision: str) -> str:
    assert PG_URL is not None
    if revision == "head" and await _emptied_if_at_head(PG_URL):
        return PG_URL
    await reset_postgres(PG_URL)
    await asyncio.to_thread(upgrade, PG_URL, revision)
    if revision == "head" and not _PG_HEAD_SCHEMA:
        fingerprint = await _pg_schema_fingerprint(PG_URL)
        if fingerprint is not None:
            _PG_HEAD_SCHEMA.append(fingerprint)
    return PG_URL


async def _sqlite_template(revision: str) -> Path:
    template = _SQLITE_TEMPLATES.get(revision)
    if template is None:
        template = Path(tempfile.mkdtemp(prefix="samenspraak-template-")) / "template.db"
        url = f"sqlite+aiosqlite:///{template}"
        await asyncio.to_thread(upgrade, url, revision)
        # Fold the WAL into the file, so that the file alone is the whole database.
        with contextlib.closing(sqlite3.connect(template)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _SQLITE_TEMPLATES[revision] = template
    return template


async def prepared_database(kind: str, tmp_path: Path, revision: str = "head") -> str:
    """An empty database URL of the given kind, migrated up to ``revision``."""
    if kind == "postgresql":
        if not PG_URL:
            pytest.skip(PG_SKIP_REASON)
        return await _prepared_postgres(revision)
    path = tmp_path / "test.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    template = await _sqlite_template(revision)
    shutil.copyfile(template, path)
    shutil.copymode(template, path)  # 0600, as storage.db creates a database file
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return await prepared_database(request.param, tmp_path)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(db: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessionmaker(db)


async def new_campaign(session: AsyncSession) -> Campaign:
    """A new werkgroep's jongeren campaign (armoede, stap 3), flushed."""
    werkgroep, _, _ = await repo.create_werkgroep(session, "Teststad", "armoede")
    campaign = Campaign(
        werkgroep_id=werkgroep.id,
        audience="jongeren",
        step_key="stap-3",
        flow_id="armoede.stap-3.jongeren",
        token_hash=repo.hash_token(repo.new_token()),
    )
    session.add(campaign)
    await session.flush()
    return campaign


async def new_participant(session: AsyncSession) -> Participant:
    """A participant of :func:`new_campaign`, flushed."""
    campaign = await new_campaign(session)
    participant = Participant(campaign_id=campaign.id, pseudonym="p" * 64)
    session.add(participant)
    await session.flush()
    return participant
