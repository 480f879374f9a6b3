"""Fault injection: flood limits, server errors, slowness and blocked users, seen through PTB."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters

from tgstub import LocalBotApi


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


async def test_429_raises_retry_after_and_nothing_is_sent(api: LocalBotApi, bot: Bot) -> None:
    """An injected flood limit reaches PTB as RetryAfter; the next call goes through."""
    user = api.user(7001, "Olga")
    rule = api.inject("sendMessage", error_code=429, retry_after=3, times=1)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user.chat_id, "eerste")
    assert caught.value.retry_after.total_seconds() == 3  # type: ignore[union-attr]
    assert user.messages() == []
    await bot.send_message(user.chat_id, "tweede")
    assert [m.text for m in user.messages()] == ["tweede"]
    assert rule.hits == 1


async def test_rate_limiter_retries_after_429(
    api: LocalBotApi, builder: ApplicationBuilder, polling
) -> None:
    """With AIORateLimiter(max_retries=2) a reply hit by one 429 is delivered after the wait."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text("na de pauze")  # type: ignore[union-attr]

    app = builder.rate_limiter(AIORateLimiter(max_retries=2)).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    user = api.user(7101, "Piet")
    api.inject("sendMessage", error_code=429, retry_after=0.2, times=1)
    async with polling(app) as errors:
        await user.send("hallo")
        (reply,) = await user.wait_for_messages(1)
    assert reply.text == "na de pauze"
    assert api.calls["sendmessage"] == 2
    assert errors == []


async def test_server_error_is_a_network_error(api: LocalBotApi, bot: Bot) -> None:
    """A 500 from the Bot API surfaces as NetworkError with Telegram's description."""
    user = api.user(7201, "Quinn")
    api.inject("sendmessage", error_code=500)
    with pytest.raises(NetworkError, match=r"(?i)Internal Server Error"):
        await bot.send_message(user.chat_id, "x")


async def test_delay_makes_the_client_time_out_but_the_send_may_still_land(
    api: LocalBotApi, bot: Bot
) -> None:
    """A slow server times PTB out; the message is still recorded, as on real Telegram."""
    user = api.user(7301, "Rik")
    api.inject("sendMessage", error_code=None, delay=0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(user.chat_id, "traag", read_timeout=0.05)
    await user.wait_for_messages(1)
    assert user.messages()[0].text == "traag"


async def test_fault_scoped_to_one_chat_and_unlimited_until_cleared(
    api: LocalBotApi, bot: Bot
) -> None:
    """A rule with chat_id and times=None fails only that chat, every time, until cleared."""
    sick, healthy = api.user(7401, "Sara"), api.user(7402, "Tom")
    api.inject("*", error_code=502, chat_id=sick.chat_id, times=None)
    for _ in range(2):
        with pytest.raises(NetworkError, match=r"(?i)Bad Gateway"):
            await bot.send_message(sick.chat_id, "x")
    await bot.send_message(healthy.chat_id, "ok")
    api.clear_faults()
    await bot.send_message(sick.chat_id, "weer ok")
    assert [m.text for m in sick.messages()] == ["weer ok"]
    assert [m.text for m in healthy.messages()] == ["ok"]


async def test_blocked_chat_is_forbidden_for_every_send(api: LocalBotApi, bot: Bot) -> None:
    """api.block makes sends and chat actions fail with 403 until unblocked."""
    user = api.user(7501, "Uma")
    api.block(user.chat_id, notify=False)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(user.chat_id, "x")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(user.chat_id, "typing")
    api.unblock(user.chat_id, notify=False)
    await bot.send_message(user.chat_id, "terug")
    assert [m.text for m in user.messages()] == ["terug"]
    assert api.pending_updates == 0
