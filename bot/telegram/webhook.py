"""Webhook receiver (aiohttp) instead of PTB's built-in server, for three reasons:
the secret header is compared in constant time and checked before the body is read; malformed
JSON gets 400 without reaching a handler; and the update is processed *before* Telegram gets
its 200, so a crash mid-update means Telegram delivers it again rather than losing it.

Updates go through the application's update processor, the same one polling uses
(:class:`~bot.telegram.throttle.PerUserUpdateProcessor`): one user's updates in order, the same
cap on concurrent updates, and per-user locks that are dropped once a user's updates are done.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20


def webhook_app(
    application: Application[Any, Any, Any, Any, Any, Any], secret: str, path: str = "/telegram"
) -> web.Application:
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403, text="forbidden")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.Response(status=413, text="too large")
        try:
            data = json.loads(await request.read())
            if not isinstance(data, dict):
                raise ValueError("not an update object")
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            # RecursionError: JSON nested thousands deep (a 1 MB body can be) exhausts the
            # parser's stack; it is a malformed update like any other, not a server error.
            return web.Response(status=400, text="malformed update")
        if update is None:
            return web.Response(status=400, text="malformed update")
        await application.update_processor.process_update(
            update, application.process_update(update)
        )
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post(path, receive)
    return app
