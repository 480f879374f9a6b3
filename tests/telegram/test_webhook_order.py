"""The webhook hands updates to the same per-user processor as polling: one user's updates in
order, other users not held up (a user's queued updates hold no slot of the cap), and the
per-user locks gone once a user's updates are done."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.telegram.throttle import PerUserUpdateProcessor
from bot.telegram.webhook import SECRET_HEADER, webhook_app
from tgstub import LocalBotApi

SECRET = "order-secret-0123456789"
ALICE, BOB = 101, 202


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": f"u{user_id}"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": user,
            "chat": {"id": user_id, "type": "private", "first_name": user["first_name"]},
            "date": int(time.time()),
            "text": text,
        },
    }


class Recorder:
    """Handles updates; Alice's first one waits until the test lets it go."""

    def __init__(self) -> None:
        self.done: list[tuple[int, str]] = []
        self.blocked = {"a1"}
        self.started: dict[str, asyncio.Event] = {}
        self.release = asyncio.Event()

    def event(self, text: str) -> asyncio.Event:
        return self.started.setdefault(text, asyncio.Event())

    async def __call__(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_user is not None and update.effective_message is not None
        text = update.effective_message.text or ""
        self.event(text).set()
        if text in self.blocked:
            await self.release.wait()
        self.done.append((update.effective_user.id, text))


@pytest.fixture(params=[4, 2], ids=["cap4", "cap2"])
async def served(
    request: pytest.FixtureRequest,
) -> AsyncIterator[tuple[TestClient, Recorder, PerUserUpdateProcessor]]:
    processor = PerUserUpdateProcessor(request.param)
    recorder = Recorder()
    async with LocalBotApi(token="123456:TEST-order", bot_username="order_bot") as api:
        application: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .concurrent_updates(processor)
            .build()
        )
        application.add_handler(TypeHandler(Update, recorder))
        async with application:
            await application.start()
            client = TestClient(TestServer(webhook_app(application, SECRET)))
            await client.start_server()
            try:
                yield client, recorder, processor
            finally:
                recorder.release.set()
                await client.close()
                await application.stop()


async def post(client: TestClient, body: dict[str, Any]) -> int:
    response = await client.post(
        "/telegram", data=json.dumps(body), headers={SECRET_HEADER: SECRET}
    )
    return response.status


async def waiting(processor: PerUserUpdateProcessor, user_id: int, count: int) -> None:
    while processor._waiting.get(user_id) != count:
        await asyncio.sleep(0)


async def test_webhook_orders_per_user_and_prunes_locks(
    served: tuple[TestClient, Recorder, PerUserUpdateProcessor],
) -> None:
    client, recorder, processor = served
    first = asyncio.create_task(post(client, update(1, ALICE, "a1")))
    await recorder.event("a1").wait()
    later = [asyncio.create_task(post(client, update(n, ALICE, f"a{n}"))) for n in (2, 3)]
    # Alice's later updates wait in the shared processor behind her first ...
    await asyncio.wait_for(waiting(processor, ALICE, 3), timeout=10)  # guards, not measures
    assert not recorder.event("a2").is_set()
    # ... and hold no slot: Bob is answered while they wait, even with two slots.
    assert await asyncio.wait_for(post(client, update(4, BOB, "b1")), timeout=10) == 200
    assert recorder.done == [(BOB, "b1")]
    recorder.release.set()
    assert await asyncio.gather(first, *later) == [200, 200, 200]
    assert recorder.done == [(BOB, "b1"), (ALICE, "a1"), (ALICE, "a2"), (ALICE, "a3")]
    # Nothing is kept per user once their updates are handled.
    assert processor._locks == {} and processor._waiting == {}
