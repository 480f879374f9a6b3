"""Webhook mode: the real bot behind our receiver, Telegram (local) posting with the secret."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from bot.config import load_settings
from bot.runtime import Runtime
from bot.telegram.app import build_application, serve_webhook
from storage.models import ProcessedUpdate
from tests.conftest import prepared_database
from tests.e2e.conftest import TOKEN, say
from tgstub import LocalBotApi

SECRET = "webhook-secret-" + "s" * 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_mode_with_right_and_wrong_secret(tmp_path: Path) -> None:
    """Updates posted with the secret are answered; a wrong or missing secret gets 403."""
    url = await prepared_database("sqlite", tmp_path)
    port = free_port()
    async with LocalBotApi(token=TOKEN, bot_username="samenspraak_test_bot") as api:
        settings = load_settings(
            telegram_token=TOKEN,
            telegram_api_url=api.base_url,
            telegram_file_url=api.base_file_url,
            data_dir=tmp_path / "data",
            database_url=url,
            pepper="p" * 40,
            webhook_secret=SECRET,
        )
        runtime = Runtime.build(settings)
        application = build_application(runtime)
        await runtime.prepare()
        stop = asyncio.Event()
        server = asyncio.create_task(
            serve_webhook(application, SECRET, "127.0.0.1", port, f"http://127.0.0.1:{port}", stop)
        )
        try:
            await asyncio.wait_for(_until_webhook_set(api), 10)
            user = api.user(4242)
            (reply,) = await say(user, "/start")
            assert "link" in (reply.text or "")
            async with aiohttp.ClientSession() as http:
                endpoint = f"http://127.0.0.1:{port}/telegram"
                update = {
                    "update_id": 777,
                    "message": {
                        "message_id": 1,
                        "date": 0,
                        "text": "/help",
                        "chat": {"id": 4242, "type": "private"},
                        "from": {"id": 4242, "is_bot": False, "first_name": "X"},
                    },
                }
                for headers in (
                    {},
                    {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                    {"X-Telegram-Bot-Api-Secret-Token": SECRET * 20},
                ):
                    async with http.post(endpoint, json=update, headers=headers) as response:
                        assert response.status == 403
                async with http.post(
                    endpoint, data=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                ) as response:
                    assert response.status == 400
            async with runtime.sessions() as session:
                processed = await session.scalar(
                    select(func.count())
                    .select_from(ProcessedUpdate)
                    .where(ProcessedUpdate.update_id == 777)
                )
            assert processed == 0  # refused requests never reached a handler
        finally:
            stop.set()
            await server
            await runtime.close()


async def _until_webhook_set(api: LocalBotApi) -> None:
    while not api.webhook_info().get("url"):
        await asyncio.sleep(0.05)
