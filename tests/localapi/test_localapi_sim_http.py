"""Play users over HTTP (/_sim), extra mounted pages, and the standalone command."""

from __future__ import annotations

import asyncio
import re
import sys
from typing import Any

import aiohttp
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tgstub import STATE_KEY, TINY_PNG, LocalBotApi

Context = ContextTypes.DEFAULT_TYPE


async def post(http: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> dict[str, Any]:
    async with http.post(url, json=body) as response:
        assert response.status == 200, await response.text()
        return dict(await response.json())


async def get(http: aiohttp.ClientSession, url: str, **query: Any) -> dict[str, Any]:
    async with http.get(url, params={k: str(v) for k, v in query.items()}) as response:
        assert response.status == 200, await response.text()
        return dict(await response.json())


async def test_http_play_user_round_trip(
    api: LocalBotApi, builder: ApplicationBuilder, polling, http: aiohttp.ClientSession
) -> None:
    """A user driven over /_sim sends, long-polls the bot's replies, presses and sees the edit."""

    async def ask(update: Update, context: Context) -> None:
        await update.effective_message.reply_text(  # type: ignore[union-attr]
            "Hoe gaat het?",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Goed", callback_data="g")]]),
        )

    async def on_press(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"Je koos {query.data}")

    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, ask))
    app.add_handler(CallbackQueryHandler(on_press))
    sim = api.sim_url
    async with polling(app) as errors:
        sent = await post(
            http, f"{sim}/send", {"user_id": 9001, "first_name": "Gert", "text": "hoi"}
        )
        first = await get(
            http,
            f"{sim}/messages",
            chat_id=9001,
            after_message_id=sent["result"]["message_id"],
            wait=10,
        )
        (question,) = first["result"]["messages"]
        assert question["text"] == "Hoe gaat het?"
        assert question["buttons"] == [[{"text": "Goed", "callback_data": "g", "url": None}]]
        await post(
            http,
            f"{sim}/press",
            {"user_id": 9001, "message_id": question["message_id"], "data": "g"},
        )
        edited = await get(
            http, f"{sim}/messages", chat_id=9001, after_rev=first["result"]["rev"], wait=10
        )
    (changed,) = edited["result"]["messages"]
    assert (changed["message_id"], changed["text"], changed["edits"]) == (
        question["message_id"],
        "Je koos g",
        1,
    )
    assert "buttons" not in changed
    assert errors == []


async def test_http_messages_include_user_and_files(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """With include_user the transcript has both sides; media links serve the stored bytes."""
    async with http.post(
        f"{api.base_url}{api.token}/sendMessage", data={"chat_id": "9101", "text": "?"}
    ) as response:
        assert response.status == 400  # the chat does not exist yet
    await post(http, f"{api.sim_url}/send", {"user_id": 9101, "media": "sticker"})
    form = aiohttp.FormData()
    form.add_field("chat_id", "9101")
    form.add_field("photo", TINY_PNG, filename="chart.png", content_type="image/png")
    async with http.post(f"{api.base_url}{api.token}/sendPhoto", data=form) as response:
        assert response.status == 200
    body = await get(http, f"{api.sim_url}/messages", chat_id=9101, include_user=1)
    sticker, photo = body["result"]["messages"]
    assert (sticker["from_bot"], photo["from_bot"]) == (False, True)
    assert "sticker" in sticker
    async with http.get(f"{api.url}{photo['photo']['url']}") as response:
        assert await response.read() == TINY_PNG


async def test_messages_wait_times_out_empty(api: LocalBotApi, http: aiohttp.ClientSession) -> None:
    """A long poll with nothing new ends with an empty list, not an error."""
    api.user(9201, "Hilde")
    body = await get(http, f"{api.sim_url}/messages", chat_id=9201, wait=0.1)
    assert body["result"]["messages"] == []


async def test_raw_update_over_http_reaches_get_updates(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """POST /_sim/update queues any update as is, keeping its update_id."""
    update = {
        "update_id": 777,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 9301, "type": "private", "first_name": "Ivo"},
            "from": {"id": 9301, "is_bot": False, "first_name": "Ivo"},
            "text": "rauw",
        },
    }
    await post(http, f"{api.sim_url}/update", update)
    await post(http, f"{api.sim_url}/update", update)
    async with http.get(f"{api.base_url}{api.token}/getUpdates") as response:
        result = (await response.json())["result"]
    assert result == [update, update]


async def test_extra_routes_can_be_mounted() -> None:
    """Another module can mount pages before start and read the shared state via STATE_KEY."""

    async def page(request: web.Request) -> web.Response:
        state = request.config_dict[STATE_KEY]
        return web.Response(text=f"bot @{state.bot_user['username']}")

    async with aiohttp.ClientSession() as http:
        server = LocalBotApi(bot_username="play_bot")
        server.add_routes([web.get("/play", page)])
        async with server, http.get(f"{server.url}/play") as response:
            assert await response.text() == "bot @play_bot"


async def test_standalone_command_prints_base_url() -> None:
    """`python -m tgstub` serves getMe and prints the base URL for the bot to use."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tgstub",
        "--port",
        "0",
        "--token",
        "42:CLI",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        match = re.search(r"(http://127\.0\.0\.1:\d+/bot)", line)
        assert match, line
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{match.group(1)}42:CLI/getMe") as response,
        ):
            me = await response.json()
        assert me["result"]["id"] == 42
    finally:
        process.terminate()
        await process.wait()
    assert process.returncode == 0
