"""PostgreSQL: a pooled connection is pinged only after it rested (``storage.db._IdlePing``).

A connection used a moment ago goes straight back into use (no ``SELECT 1`` before each
transaction, as ``pool_pre_ping`` would send); one that rested longer is pinged, and one the
server dropped meanwhile is replaced without the caller noticing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import storage.db
from storage.db import make_engine
from tests.conftest import PG_SKIP_REASON, PG_URL, prepared_database

pytestmark = pytest.mark.skipif(not PG_URL, reason=PG_SKIP_REASON)

REST = 0.3  # seconds after which a returned connection counts as rested, in these tests


@pytest.fixture
async def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[AsyncEngine]:
    monkeypatch.setattr(storage.db, "PING_AFTER_IDLE_SECONDS", REST)
    url = await prepared_database("postgresql", tmp_path)
    engine = make_engine(url, pool_size=1, max_overflow=0)
    yield engine
    await engine.dispose()


@pytest.fixture
def pings(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every ping the engine sends, recorded (and then sent)."""
    dialect = engine.sync_engine.dialect
    sent: list[object] = []
    ping = dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        sent.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return sent


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.begin() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_used_a_moment_ago_is_not_pinged(
    engine: AsyncEngine, pings: list[object]
) -> None:
    first = await backend_pid(engine)  # a new connection: nothing to ping
    for _ in range(5):
        assert await backend_pid(engine) == first
    assert pings == []


async def test_a_rested_connection_is_pinged_once_before_use(
    engine: AsyncEngine, pings: list[object]
) -> None:
    first = await backend_pid(engine)
    await asyncio.sleep(REST + 0.2)
    assert await backend_pid(engine) == first
    assert len(pings) == 1
    assert await backend_pid(engine) == first  # just used again: no second ping
    assert len(pings) == 1


async def test_a_connection_the_server_dropped_while_idle_is_replaced_unnoticed(
    engine: AsyncEngine,
) -> None:
    first = await backend_pid(engine)
    assert PG_URL is not None
    other = make_engine(PG_URL)
    try:
        async with other.begin() as connection:
            stopped = await connection.execute(
                text("SELECT pg_terminate_backend(:pid)"), {"pid": first}
            )
            assert stopped.scalar_one() is True
    finally:
        await other.dispose()
    await asyncio.sleep(REST + 0.2)
    second = await backend_pid(engine)  # no error: the dead connection was thrown away
    assert second != first
