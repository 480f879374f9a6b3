"""Webhook mode: delivery with the secret header, retries, per-chat order, PTB's own server."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from tgstub import LocalBotApi

SECRET = "s3cret-Token_1"
Receiver = Callable[[web.Request], Awaitable[web.Response]]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def receiver(handle: Receiver) -> AsyncIterator[str]:
    """A stand-in webhook endpoint; yields its URL."""
    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        await runner.cleanup()


async def call(
    http: aiohttp.ClientSession, api: LocalBotApi, method: str, **params: Any
) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{api.base_url}{api.token}/{method}", json=params) as response:
        return response.status, await response.json()


async def test_ptb_webhook_server_receives_updates_with_secret(
    api: LocalBotApi, builder: ApplicationBuilder, webhook
) -> None:
    """PTB's webhook server gets the update (it checks the secret header) and the bot replies."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"webhook: {update.effective_message.text}")  # type: ignore[union-attr]

    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    user = api.user(6001, "Karin")
    async with webhook(app, SECRET) as errors:
        info = api.webhook_info()
        await user.send("hallo")
        (reply,) = await user.wait_for_messages(1)
        # A wrong secret is refused by PTB with 403; the update then stays pending.
        await app.bot.set_webhook(info["url"], secret_token="wrong-secret")
        await user.send("tweede")
        await user.wait_until(lambda _: "last_error_message" in api.webhook_info())
        assert api.webhook_info()["last_error_message"].startswith(
            "Wrong response from the webhook: 403"
        )
        assert api.pending_updates == 1
        await app.bot.set_webhook(info["url"], secret_token=SECRET)
        await user.wait_for_messages(2)
    assert reply.text == "webhook: hallo"
    assert user.messages()[1].text == "webhook: tweede"
    assert info["url"].endswith("/hook")
    assert errors == []


async def test_delivery_sends_secret_header_and_retries_until_2xx(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """A non-2xx answer is retried with the same update; the secret header is on every post."""
    seen: list[tuple[str | None, int]] = []

    async def flaky(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), body["update_id"]))
        return web.Response(status=500 if len(seen) == 1 else 200)

    user = api.user(6101, "Lars")
    async with receiver(flaky) as url:
        status, body = await call(http, api, "setWebhook", url=url, secret_token=SECRET)
        assert (status, body) == (200, {"ok": True, "result": True})
        update = await user.send("eén")
        await user.wait_until(lambda _: api.pending_updates == 0)
        status, info = await call(http, api, "getWebhookInfo")
    uid = update["update_id"]
    assert seen == [(SECRET, uid), (SECRET, uid)]
    assert info["result"]["url"] == url
    assert info["result"]["pending_update_count"] == 0
    assert info["result"]["last_error_message"] == (
        "Wrong response from the webhook: 500 Internal Server Error"
    )


async def test_one_chat_in_order_while_other_chats_proceed(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """A slow update holds back its own chat only; each chat's updates arrive in order."""
    release = asyncio.Event()
    arrived: list[tuple[int, str]] = []

    async def slow_for_first(request: web.Request) -> web.Response:
        message = (await request.json())["message"]
        if message["text"] == "a1":
            await release.wait()
        arrived.append((message["chat"]["id"], message["text"]))
        return web.Response(status=200)

    a, b = api.user(6201, "A"), api.user(6202, "B")
    async with receiver(slow_for_first) as url:
        await call(http, api, "setWebhook", url=url)
        await a.send("a1")
        await a.send("a2")
        await b.send("b1")
        await b.send("b2")
        await b.wait_until(lambda _: len(arrived) == 2)
        assert arrived == [(6202, "b1"), (6202, "b2")]
        release.set()
        await a.wait_until(lambda _: len(arrived) == 4)
    assert arrived[2:] == [(6201, "a1"), (6201, "a2")]


async def test_get_updates_conflicts_while_webhook_is_set(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """getUpdates answers 409 Conflict while a webhook is active, like Telegram."""
    await call(http, api, "setWebhook", url="http://127.0.0.1:9/hook")
    status, body = await call(http, api, "getUpdates")
    assert status == 409
    assert body["ok"] is False and body["error_code"] == 409
    assert body["description"].startswith("Conflict: can't use getUpdates method")


async def test_delete_webhook_keeps_undelivered_updates_for_polling(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """Updates the webhook could not take stay pending and are returned by getUpdates later."""
    user = api.user(6301, "Mila")
    await call(http, api, "setWebhook", url=f"http://127.0.0.1:{free_port()}/nobody")
    update = await user.send("nog niet bezorgd")
    await user.wait_until(lambda _: "last_error_message" in api.webhook_info())
    assert api.webhook_info()["last_error_message"] == "Connection refused"
    await call(http, api, "deleteWebhook")
    status, body = await call(http, api, "getUpdates")
    assert status == 200
    assert [u["update_id"] for u in body["result"]] == [update["update_id"]]


async def test_drop_pending_updates_on_set_webhook(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """setWebhook with drop_pending_updates discards what was waiting."""
    posts: list[dict[str, Any]] = []

    async def record(request: web.Request) -> web.Response:
        posts.append(json.loads(await request.read()))
        return web.Response(status=200)

    user = api.user(6401, "Noor")
    await user.send("oud")
    async with receiver(record) as url:
        await call(http, api, "setWebhook", url=url, drop_pending_updates=True)
        await user.send("nieuw")
        await user.wait_until(lambda _: len(posts) == 1)
    assert [p["message"]["text"] for p in posts] == ["nieuw"]
