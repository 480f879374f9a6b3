"""Failures of the Telegram Bot API (from the local server's fault injection): flood limits,
server errors, time-outs and users who blocked the bot. The bot never stops, answers already
stored are never lost, and other users are still served."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.engine import Engine
from tests.conftest import prepared_database
from tests.reliability.helpers import (
    Harness,
    Plan,
    is_question,
    join,
    next_turn,
    open_harness,
    processed,
    sorry_count,
    stored_answers,
    until,
)
from tgstub import LocalBotApi, SimUser


@pytest.fixture
async def harness(api: LocalBotApi, tmp_path: Path, flows_dir: Path) -> AsyncIterator[Harness]:
    url = await prepared_database("sqlite", tmp_path)
    async with open_harness(api, tmp_path, url, flows_dir) as running:
        yield running


@pytest.fixture
def plan(small_engine: Engine) -> Plan:
    return Plan.make(small_engine)


async def joined(harness: Harness, user_id: int) -> tuple[SimUser, str]:
    token, campaign_id = await harness.campaign()
    user = harness.api.user(user_id)
    await join(user, token)
    return user, campaign_id


async def others_are_served(harness: Harness, plan: Plan, user_id: int) -> None:
    """A different user can still join and answer, and the bot is still running."""
    user, campaign_id = await joined(harness, user_id)
    mark = user.mark()
    await user.send(plan.typed[plan.path[0]])
    messages = await next_turn(user, mark)
    assert plan.question_id([m for m in messages if is_question(m)][-1]) == plan.path[1]
    assert await stored_answers(harness.sessions, campaign_id) == plan.first(1)
    assert harness.running


async def resumes_at(user: SimUser, plan: Plan, question_id: str) -> None:
    """/start shows 'Welkom terug' and exactly the given question."""
    mark = user.mark()
    await user.send("/start")
    messages = await next_turn(user, mark)
    assert "Welkom terug" in (messages[0].text or "")
    assert plan.question_id([m for m in messages if is_question(m)][-1]) == question_id


async def test_flood_limit_429_reply_arrives_after_waiting(harness: Harness, plan: Plan) -> None:
    """A 429 on the reply is waited out: the next question arrives, no notice, stored once."""
    user, campaign_id = await joined(harness, 6401)
    rule = harness.api.inject("sendMessage", 429, retry_after=1, chat_id=user.chat_id)
    mark = user.mark()
    await user.send(plan.typed[plan.path[0]])
    messages = await next_turn(user, mark)
    assert rule.hits == 1
    assert sorry_count(messages) == 0
    assert plan.question_id([m for m in messages if is_question(m)][-1]) == plan.path[1]
    assert await stored_answers(harness.sessions, campaign_id) == plan.first(1)
    await others_are_served(harness, plan, 6402)


async def test_server_error_on_the_reply_keeps_the_answer(harness: Harness, plan: Plan) -> None:
    """A 500 on the reply: answer kept, one notice, /start shows the next question."""
    user, campaign_id = await joined(harness, 6411)
    harness.api.inject("sendMessage", 500, chat_id=user.chat_id)
    mark = user.mark()
    update = await user.send(plan.typed[plan.path[0]])
    (notice,) = await user.wait_new(mark, 1)
    assert sorry_count([notice]) == 1
    assert await processed(harness.sessions, int(update["update_id"]))
    assert await stored_answers(harness.sessions, campaign_id) == plan.first(1)
    await resumes_at(user, plan, plan.path[1])
    await others_are_served(harness, plan, 6412)


async def test_bot_api_down_for_one_chat_does_not_stop_others(
    harness: Harness, plan: Plan, caplog: pytest.LogCaptureFixture
) -> None:
    """Every call for one chat fails: answer kept, others served, the user resumes later."""
    user, campaign_id = await joined(harness, 6421)
    rule = harness.api.inject("*", 502, times=None, chat_id=user.chat_id)
    update = await user.send(plan.typed[plan.path[0]])
    await until(lambda: processed(harness.sessions, int(update["update_id"])), "the commit")
    await until(lambda: rule.hits >= 2, "the reply and the notice to be tried")
    await others_are_served(harness, plan, 6422)
    harness.api.clear_faults()
    assert await stored_answers(harness.sessions, campaign_id) == plan.first(1)
    await resumes_at(user, plan, plan.path[1])
    assert "could not send the error notice" in caplog.text


async def test_timeout_on_the_reply_is_survived(harness: Harness, plan: Plan) -> None:
    """A reply past the read time-out: one notice, stored once, /start shows the next one."""
    user, campaign_id = await joined(harness, 6431)
    harness.api.inject("sendMessage", None, delay=5.5, chat_id=user.chat_id)
    mark = user.mark()
    await user.send(plan.typed[plan.path[0]])
    # The notice, and the slow message itself, which Telegram still delivers after the time-out.
    messages = await user.wait_new(mark, 2, timeout=20)
    assert sorry_count(messages) == 1
    assert await stored_answers(harness.sessions, campaign_id) == plan.first(1)
    await resumes_at(user, plan, plan.path[1])
    await others_are_served(harness, plan, 6432)


async def test_user_who_blocked_the_bot_is_given_up_quietly(
    harness: Harness, plan: Plan, caplog: pytest.LogCaptureFixture
) -> None:
    """A blocked bot: answer kept, no error raised, others served, resume after unblocking."""
    caplog.set_level(logging.INFO, logger="bot")
    user, campaign_id = await joined(harness, 6441)
    attempts = harness.api.inject("*", None, times=None, chat_id=user.chat_id)
    update = await user.send(plan.typed[plan.path[0]])
    harness.api.block(user.chat_id)  # before the bot even fetched the answer
    await until(lambda: attempts.hits >= 1, "the bot to try the reply")
    harness.api.clear_faults()
    assert await processed(harness.sessions, int(update["update_id"]))
    assert await stored_answers(harness.sessions, campaign_id) == plan.first(1)
    await others_are_served(harness, plan, 6442)
    assert "update failed" not in caplog.text
    harness.api.unblock(user.chat_id)
    await resumes_at(user, plan, plan.path[1])
