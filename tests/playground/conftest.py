"""The playground in-process on a free port, and a client that plays users the way the page does."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from bot.playground.server import Playground, run_playground

WAIT = 20.0  # seconds a long poll may wait; far above what a reply takes


# One playground per test module: starting one takes seconds (flows, migrations, sample
# answers), and tests that only add their own users cannot disturb each other.
@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def playground(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Playground]:
    async with run_playground(tmp_path_factory.mktemp("playground"), port=0) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        yield session


_ids = itertools.count(880_000_001)


@dataclass
class PageUser:
    """One simulated user, talking over HTTP exactly like app.js: send, press, long-poll."""

    http: aiohttp.ClientSession
    base: str
    first_name: str
    user_id: int = field(default_factory=lambda: next(_ids))
    rev: int | None = None
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    async def config(self) -> dict[str, Any]:
        async with self.http.get(f"{self.base}_play/config") as response:
            return dict(await response.json())

    async def send(self, text: str) -> None:
        body = {"user_id": self.user_id, "first_name": self.first_name, "text": text}
        async with self.http.post(f"{self.base}_sim/send", json=body) as response:
            assert (await response.json())["ok"]

    async def press(self, message: dict[str, Any], label: str) -> str:
        """Tap the button labelled ``label`` (or starting with it); return the callback query id."""
        data = next(
            button["callback_data"]
            for row in message.get("buttons", [])
            for button in row
            if button["text"] == label or button["text"].startswith(label)
        )
        body = {"user_id": self.user_id, "message_id": message["message_id"], "data": data}
        async with self.http.post(f"{self.base}_sim/press", json=body) as response:
            return str((await response.json())["result"]["callback_query_id"])

    async def poll(self) -> list[dict[str, Any]]:
        """One long poll; returns the new or changed messages (bot and user)."""
        params = {"chat_id": str(self.user_id), "include_user": "1", "wait": str(WAIT)}
        if self.rev is not None:
            params["after_rev"] = str(self.rev)
        async with self.http.get(f"{self.base}_sim/messages", params=params) as response:
            body = await response.json()
        assert body["ok"], body
        for message in body["result"]["messages"]:
            self.messages[message["message_id"]] = message
        self.rev = body["result"]["rev"]
        return list(body["result"]["messages"])

    def bot_messages(self) -> list[dict[str, Any]]:
        return [m for _, m in sorted(self.messages.items()) if m["from_bot"] and not m["deleted"]]

    async def wait_for(self, predicate: Any, polls: int = 20) -> dict[str, Any]:
        """Poll until a bot message satisfies ``predicate``; return the newest such message."""
        for _ in range(polls):
            found = [m for m in self.bot_messages() if predicate(m)]
            if found:
                return found[-1]
            await self.poll()
        raise AssertionError(f"no such message; got {[m.get('text') for m in self.bot_messages()]}")


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


def labels(message: dict[str, Any]) -> list[str]:
    return [button["text"] for row in message.get("buttons", []) for button in row]
