"""The committed polling loop: updates still in hand come back on every getUpdates until they
are confirmed; each is parsed and handled once, and the offset stays at the lowest running one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import pytest
from telegram import Update

from bot.telegram import polling
from bot.telegram.polling import CommittedPolling


def raw_update(update_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": 7, "type": "private"},
            "from": {"id": 7, "is_bot": False, "first_name": "A"},
            "text": f"antwoord {update_id}",
        },
    }


class FakeBot:
    """getUpdates answers every update at or above the offset (Telegram's rule)."""

    def __init__(self, pending: list[int]) -> None:
        self.pending = pending
        self.offsets: list[int | None] = []

    async def delete_webhook(self, **_: Any) -> bool:
        return True

    async def get_updates(self, offset: int, **_: Any) -> tuple[Update, ...]:
        self.offsets.append(offset)  # the confirmation at stop
        return ()

    async def _post(self, endpoint: str, data: dict[str, Any], **_: Any) -> list[dict[str, Any]]:
        assert endpoint == "getUpdates"
        offset = data["offset"]
        self.offsets.append(offset)
        await asyncio.sleep(0.001)
        return [raw_update(u) for u in self.pending if offset is None or u >= offset]


class HeldProcessor:
    """Handles each update only when the test lets it finish."""

    def __init__(self) -> None:
        self.handled: list[int] = []
        self.release = asyncio.Event()

    async def process_update(self, update: Update, coroutine: Awaitable[Any]) -> None:
        await coroutine
        self.handled.append(update.update_id)
        await self.release.wait()


class FakeApplication:
    def __init__(self, bot: FakeBot) -> None:
        self.bot = bot
        self.update_processor = HeldProcessor()

    async def process_update(self, update: Update) -> None:
        return None


async def test_an_update_in_hand_is_parsed_and_handled_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While two updates run, getUpdates returns them again and again: each is parsed once
    (parsing them every time was most of the bot's CPU under load) and handled once."""
    parsed: list[int] = []
    original = Update.de_json

    def counting(data: dict[str, Any], bot: Any) -> Update:
        parsed.append(data["update_id"])
        return original(data, bot)

    monkeypatch.setattr(polling.Update, "de_json", staticmethod(counting))
    monkeypatch.setattr(polling, "RECHECK", 0.005)
    bot = FakeBot([10, 11])
    application = FakeApplication(bot)
    loop = CommittedPolling(application, timeout=0)  # type: ignore[arg-type]
    await loop.start()
    try:
        while len(bot.offsets) < 6:  # the two updates came back at least five more times
            await asyncio.sleep(0.005)
        assert application.update_processor.handled == [10, 11]
        assert parsed == [10, 11]
        assert loop.offset == 10  # nothing confirmed while they run
        bot.pending = [10, 11, 12]
        while 12 not in application.update_processor.handled:
            await asyncio.sleep(0.005)
        assert parsed == [10, 11, 12]
        application.update_processor.release.set()
        while loop.offset != 13:
            await asyncio.sleep(0.005)
    finally:
        application.update_processor.release.set()
        await loop.stop()
