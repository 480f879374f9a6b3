"""A flood from one user: throttled with one polite message, and other users are still served
while the flood is being worked through."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ProcessedUpdate
from tests.conftest import PG_SKIP_REASON, PG_URL, prepared_database
from tests.reliability.helpers import Harness, open_harness, until
from tgstub import BotMessage, LocalBotApi

FLOOD = 100


def is_flood_notice(message: BotMessage) -> bool:
    text = (message.text or "").lower()
    return "rustig" in text or "te veel berichten" in text


async def handled(sessions: async_sessionmaker[AsyncSession], update_ids: list[int]) -> int:
    """How many of these updates reached the dialog (each claims its id in the database)."""
    async with sessions() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(ProcessedUpdate)
            .where(ProcessedUpdate.update_id.in_(update_ids))
        )
    return int(found or 0)


async def settled(harness: Harness) -> None:
    """Every update was taken from the server and none is still being processed by the bot."""
    await harness.api.until_no_pending_updates()
    processor = harness.application.update_processor
    await until(lambda: processor.current_concurrent_updates == 0, "the bot to finish updates")


async def assert_one_polite_notice(harness: Harness, flood: list[int]) -> None:
    flooder = harness.api.user(6601)
    notices = [m for m in flooder.messages() if is_flood_notice(m)]
    assert len(notices) == 1
    assert "wacht" in (notices[0].text or "").lower()
    replies = len(flooder.messages()) - 1
    assert replies == await handled(harness.sessions, flood)
    assert replies <= FLOOD // 3


async def test_flood_gets_one_polite_notice(
    api: LocalBotApi, tmp_path: Path, flows_dir: Path
) -> None:
    """100 messages at once: one polite notice; at most a third of them are handled."""
    url = await prepared_database("sqlite", tmp_path)
    async with open_harness(api, tmp_path, url, flows_dir) as harness:
        flooder = api.user(6601)
        flood = [int((await flooder.send(f"bericht {i}"))["update_id"]) for i in range(FLOOD)]
        await flooder.wait_until(lambda u: any(map(is_flood_notice, u.messages())))
        await settled(harness)
        await assert_one_polite_notice(harness, flood)
        assert harness.running


@pytest.mark.skipif(not PG_URL, reason=PG_SKIP_REASON)
async def test_other_users_are_answered_while_the_flood_is_stuck(
    api: LocalBotApi, tmp_path: Path, flows_dir: Path
) -> None:
    """PostgreSQL, several workers: while the bot's reply to the flooder hangs at the Bot API
    and the whole flood is in the bot's hands, another user is still answered."""
    url = await prepared_database("postgresql", tmp_path)
    async with open_harness(api, tmp_path, url, flows_dir) as harness:
        assert harness.application.update_processor.max_concurrent_updates > 1
        flooder, other = api.user(6601), api.user(6602)
        hold = api.hold(flooder.chat_id)
        try:
            flood = [int((await flooder.send(f"bericht {i}"))["update_id"]) for i in range(FLOOD)]
            await until(lambda: hold.waiting > 0, "the bot to be stuck replying to the flooder")
            await api.until_no_pending_updates()
            await other.send("hallo")
            (reply,) = await other.wait_new(0, 1, timeout=5)
            assert "link" in (reply.text or "")
            assert hold.waiting > 0  # the flood was still stuck when the other user was answered
            assert flooder.messages() == []
        finally:
            hold.release()  # also on failure: held replies would keep the bot from stopping
        await flooder.wait_until(lambda u: any(map(is_flood_notice, u.messages())))
        await settled(harness)
        await assert_one_polite_notice(harness, flood)
        assert harness.running
