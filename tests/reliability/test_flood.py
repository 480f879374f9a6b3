"""A flood from one user: throttled with one polite message, and other users are still served
without waiting for the flood to be worked through."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ProcessedUpdate
from tests.conftest import prepared_database
from tests.reliability.helpers import open_harness
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


async def test_flood_gets_one_polite_notice_and_others_are_served(
    api: LocalBotApi, tmp_path: Path, flows_dir: Path
) -> None:
    """100 messages at once: one polite notice, and another user is answered mid-flood."""
    url = await prepared_database("sqlite", tmp_path)
    async with open_harness(api, tmp_path, url, flows_dir) as harness:
        flooder, other = api.user(6601), api.user(6602)
        flood: list[int] = []
        for index in range(FLOOD):
            if index == FLOOD // 2:
                await other.send("hallo")
            flood.append(int((await flooder.send(f"bericht {index}"))["update_id"]))
        (reply,) = await other.wait_new(0, 1)
        assert "link" in (reply.text or "")
        assert await handled(harness.sessions, flood) <= FLOOD // 3
        await flooder.wait_until(lambda u: any(map(is_flood_notice, u.messages())))
        # Updates are handled in arrival order, so once this is answered the flood is done.
        mark = other.mark()
        await other.send("/hulp")
        await other.wait_new(mark, 1)
        assert api.pending_updates == 0
        notices = [m for m in flooder.messages() if is_flood_notice(m)]
        assert len(notices) == 1
        assert "wacht" in (notices[0].text or "").lower()
        replies = len(flooder.messages()) - 1
        assert replies == await handled(harness.sessions, flood)
        assert replies <= FLOOD // 3
        assert harness.running
