"""Run one service call from a synchronous command: migrate, open, one transaction, close.

The CLI is a short-lived process, so each command gets its own engine and event loop; the
transaction commits when the call returns and rolls back when it raises.
"""

from __future__ import annotations

import asyncio
import getpass
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.admin.links import resolve_bot_username
from bot.config import Settings
from storage import Session
from storage.db import compact, is_sqlite, make_engine, make_sessionmaker, upgrade

T = TypeVar("T")


def run_in_transaction(
    settings: Settings, work: Callable[[Session], Awaitable[T]], *, compact_after: bool = False
) -> T:
    """``compact_after``: once committed, rebuild a SQLite file (after a cut, see
    :func:`storage.db.compact`)."""
    url = settings.resolved_database_url
    # SQLite is one machine and one file: migrating here is safe and idempotent. PostgreSQL
    # serves several replicas, so there `samenspraak db upgrade` stays an explicit step.
    if is_sqlite(url):
        upgrade(url)
    return asyncio.run(_run(url, work, compact_after))


async def _run(url: str, work: Callable[[Session], Awaitable[T]], compact_after: bool) -> T:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            result = await work(session)
        if compact_after:
            await compact(engine)
        return result
    finally:
        await engine.dispose()


def bot_username(settings: Settings) -> str | None:
    """The username for links (settings or getMe); None when it cannot be found."""
    return asyncio.run(resolve_bot_username(settings))


def cli_actor() -> str:
    """The audit actor of a CLI run: the operating-system user who ran it."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry (some containers)
        return f"cli:uid{os.getuid()}"
