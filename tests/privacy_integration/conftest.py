"""The real-bot harness of tests/e2e, for attacks that need the whole bot; and the same
harness on PostgreSQL, where transaction ids (``xmin``) can be read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from bot.config import load_settings
from tests.conftest import prepared_database
from tests.e2e.conftest import TOKEN, BotHarness, harness
from tgstub import LocalBotApi

__all__ = ["harness", "pg_harness"]


@pytest.fixture
async def pg_harness(tmp_path: Path) -> AsyncIterator[BotHarness]:
    url = await prepared_database("postgresql", tmp_path)
    async with LocalBotApi(token=TOKEN, bot_username="samenspraak_test_bot") as api:
        settings = load_settings(
            telegram_token=TOKEN,
            telegram_api_url=api.base_url,
            telegram_file_url=api.base_file_url,
            data_dir=tmp_path / "data",
            database_url=url,
            pepper="pg-pepper-" + "x" * 32,
            bot_username="samenspraak_test_bot",
        )
        bot = BotHarness(api, settings, AsyncExitStack())
        await bot.start()
        try:
            yield bot
        finally:
            await bot.stack.aclose()
