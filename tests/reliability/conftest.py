"""Fixtures of the reliability tests (see docs/reliability.md for what each test proves)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path

import pytest

import bot.runtime
from bot.engine import Catalog, Engine, load_catalog
from tests.conftest import FLOWS
from tests.reliability.helpers import BOT_USERNAME, TOKEN
from tgstub import LocalBotApi


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns (an error here) when it builds RetryAfter unless timedeltas are opted in."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture(scope="session")
def flows_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Only the armoede template and the themes: the bot starts faster, the flows are real."""
    root = tmp_path_factory.mktemp("flows")
    for name in ("armoede", "_themes"):
        shutil.copytree(FLOWS / name, root / name)
    return root


@cache
def _catalog(path: Path) -> Catalog:
    return load_catalog(path)


@pytest.fixture(autouse=True)
def cached_catalog(monkeypatch: pytest.MonkeyPatch, flows_dir: Path) -> None:
    """In-process bots load the (immutable) small catalog once per session, not per start."""

    def load(root: Path) -> Catalog:
        return _catalog(root) if root == flows_dir else load_catalog(root)

    monkeypatch.setattr(bot.runtime, "load_catalog", load)


@pytest.fixture(scope="session")
def small_catalog(flows_dir: Path) -> Catalog:
    return _catalog(flows_dir)


@pytest.fixture(scope="session")
def small_engine(small_catalog: Catalog) -> Engine:
    """The engine over the small catalog (its machines are long-lived and shared, as in the bot)."""
    return Engine(small_catalog)


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(
        token=TOKEN, bot_username=BOT_USERNAME, webhook_retry_delay=0.05
    ) as server:
        yield server
