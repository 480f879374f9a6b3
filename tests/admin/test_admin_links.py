"""Deep links and where the bot's username comes from (settings, getMe, or nowhere)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import BaseTestServer, TestServer

from bot.admin.links import (
    NO_USERNAME,
    deep_link,
    link_or_none,
    normalise_username,
    resolve_bot_username,
    shown,
)
from bot.config import load_settings

TOKEN = "123456:TEST-token"


def test_deep_link_opens_the_bot_with_the_token() -> None:
    """A deep link is https://t.me/<bot>?start=<token>."""
    token = "Ab3_-" * 6 + "xy"
    assert deep_link("SamenBot", token) == f"https://t.me/SamenBot?start={token}"


@pytest.mark.parametrize("token", ["", "a b", "a+b", "x" * 65, "tøken"])
def test_deep_link_refuses_what_telegram_would_not_pass_on(token: str) -> None:
    """Telegram only passes 1–64 characters of A–Z a–z 0–9 _ - as start parameter."""
    with pytest.raises(ValueError, match="start parameter"):
        deep_link("SamenBot", token)


@pytest.mark.parametrize(
    "written", ["SamenBot", "@SamenBot", "https://t.me/SamenBot", " t.me/SamenBot/"]
)
def test_username_may_be_written_several_ways(written: str) -> None:
    """SAMENSPRAAK_BOT_USERNAME may be the name, @name or the t.me address."""
    assert normalise_username(written) == "SamenBot"


def test_without_username_there_is_no_link_but_a_hint() -> None:
    """No username: no link is made up, and people see how to fix it."""
    assert link_or_none(None, "abc") is None
    assert shown(None) == NO_USERNAME == "(zet SAMENSPRAAK_BOT_USERNAME)"
    assert shown("https://t.me/SamenBot?start=abc") == "https://t.me/SamenBot?start=abc"


async def test_username_from_settings_wins() -> None:
    """A configured username is used as is, without asking Telegram."""
    settings = load_settings(
        bot_username="@SamenBot", telegram_token=TOKEN, telegram_api_url="http://127.0.0.1:9/bot"
    )
    assert await resolve_bot_username(settings) == "SamenBot"


async def test_no_username_and_no_token_gives_none() -> None:
    """Without username and token there is nothing to ask."""
    settings = load_settings(bot_username=None, telegram_token=None)
    assert await resolve_bot_username(settings) is None


@pytest.fixture
async def bot_api() -> AsyncIterator[tuple[BaseTestServer, list[str]]]:
    """A minimal Bot API server answering getMe for TOKEN, and 401 for any other token."""
    calls: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        calls.append(request.path)
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        return web.json_response(
            {
                "ok": True,
                "result": {
                    "id": 123456,
                    "is_bot": True,
                    "first_name": "Samenspraak",
                    "username": "SamenspraakTestBot",
                },
            }
        )

    app = web.Application()
    app.router.add_post("/bot{token}/getMe", handle)
    async with TestServer(app, host="127.0.0.1") as server:
        yield server, calls


async def test_username_from_get_me(bot_api: tuple[BaseTestServer, list[str]]) -> None:
    """With only a token, the username comes from getMe on the configured Bot API server."""
    server, calls = bot_api
    settings = load_settings(
        bot_username=None, telegram_token=TOKEN, telegram_api_url=str(server.make_url("/bot"))
    )
    assert await resolve_bot_username(settings) == "SamenspraakTestBot"
    assert calls and all(path.endswith("/getMe") for path in calls)


async def test_get_me_failure_gives_none(bot_api: tuple[BaseTestServer, list[str]]) -> None:
    """A rejected token gives no username (and the CLI prints the hint) instead of a crash."""
    server, _ = bot_api
    settings = load_settings(
        bot_username=None, telegram_token="999:wrong", telegram_api_url=str(server.make_url("/bot"))
    )
    assert await resolve_bot_username(settings) is None
