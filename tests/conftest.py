"""Shared fixtures: the shipped flows, the engine, and databases (SQLite always, PostgreSQL
when SAMENSPRAAK_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import asyncio
import inspect
import os
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.engine import Catalog, Engine, load_catalog
from storage.db import make_engine, make_sessionmaker, upgrade

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


async def prepared_database(kind: str, tmp_path: Path, revision: str = "head") -> str:
    """An empty database URL of the given kind, migrated up to ``revision``."""
    if kind == "postgresql":
        if not PG_URL:
            pytest.skip(PG_SKIP_REASON)
        await reset_postgres(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    await asyncio.to_thread(upgrade, url, revision)
    return url


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
