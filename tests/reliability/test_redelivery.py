"""Telegram may deliver an update twice, and keeps updates while the bot is down: each update is
handled exactly once (de-duplicated on ``update_id`` in the answer's own transaction)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.chat.dialog import Dialog
from bot.chat.events import Incoming, Send
from bot.config import load_settings
from bot.engine import Engine
from bot.runtime import Runtime
from storage.models import Answer, ConversationRow
from tests.conftest import prepared_database
from tests.reliability.helpers import (
    PEPPER,
    Plan,
    count_rows,
    create_campaign,
    is_question,
    join,
    next_turn,
    open_harness,
    stored_answers,
)
from tgstub import LocalBotApi


@pytest.fixture
async def runtime(database_url: str, tmp_path: Path, flows_dir: Path) -> AsyncIterator[Runtime]:
    """The bot's resources without Telegram, on SQLite and (when configured) PostgreSQL."""
    settings = load_settings(
        database_url=database_url, pepper=PEPPER, flows_dir=flows_dir, data_dir=tmp_path / "data"
    )
    runtime = Runtime.build(settings)
    yield runtime
    await runtime.close()


async def test_same_update_twice_in_a_row_is_handled_once(
    api: LocalBotApi, tmp_path: Path, flows_dir: Path, small_engine: Engine
) -> None:
    """An answer delivered again after it was handled stores nothing more and sends nothing."""
    url = await prepared_database("sqlite", tmp_path)
    plan = Plan.make(small_engine)
    async with open_harness(api, tmp_path, url, flows_dir) as harness:
        token, campaign_id = await harness.campaign()
        user = api.user(6201)
        first = await join(user, token)
        assert plan.question_id(first) == plan.path[0]
        mark = user.mark()
        update = await user.send(plan.typed[plan.path[0]])
        await next_turn(user, mark)
        replied = user.mark()
        api.raw_update(update)  # the same update_id again
        await user.send("/hulp")  # handled after the redelivery: this user's updates are in order
        (help_lines,) = await user.wait_new(replied, 1)
        assert "113" in (help_lines.text or "")
        assert user.mark() == replied + 1  # nothing for the redelivery
        questions = [m for m in user.messages()[mark:] if is_question(m)]
        assert [plan.question_id(m) for m in questions] == [plan.path[1]]
        assert await stored_answers(harness.sessions, campaign_id) == plan.first(1)


async def test_same_update_handled_concurrently_stores_one_answer(
    runtime: Runtime, small_engine: Engine
) -> None:
    """Two workers handling the same update at once: one answers, the other does nothing."""
    plan = Plan.make(small_engine)
    token, campaign_id = await create_campaign(runtime.sessions)
    dialog = Dialog(runtime)
    user_id = 6202
    await dialog.handle(Incoming(update_id=1, user_id=user_id, command="start", args=(token,)))
    await dialog.handle(Incoming(update_id=2, user_id=user_id, button="j:ja", button_message_id=1))
    answer = Incoming(update_id=3, user_id=user_id, text=plan.typed[plan.path[0]])
    results = await asyncio.gather(*(dialog.handle(answer) for _ in range(4)))
    answered = [outs for outs in results if outs]
    assert len(answered) == 1, results
    assert any(isinstance(out, Send) and out.question for out in answered[0])
    assert await stored_answers(runtime.sessions, campaign_id) == plan.first(1)
    assert await count_rows(runtime.sessions, Answer) == 1
    async with runtime.sessions() as session:
        (row,) = (await session.scalars(select(ConversationRow))).all()
    assert row.state == plan.path[1]
    assert row.data["history"] == [plan.path[0]]


async def test_updates_sent_while_the_bot_is_down_are_handled_after_start(
    api: LocalBotApi, tmp_path: Path, flows_dir: Path, small_engine: Engine
) -> None:
    """Three answers typed while the bot is stopped are all handled, in order, once it starts."""
    url = await prepared_database("sqlite", tmp_path)
    plan = Plan.make(small_engine)
    async with open_harness(api, tmp_path, url, flows_dir) as harness:
        token, campaign_id = await harness.campaign()
        user = api.user(6203)
        await join(user, token)
        await harness.stop()
        mark = user.mark()
        for question_id in plan.path[:3]:
            await user.send(plan.typed[question_id])
        assert api.pending_updates == 3
        await harness.start()
        await user.wait_until(lambda u: sum(map(is_question, u.messages()[mark:])) >= 3)
        asked = [plan.question_id(m) for m in user.messages()[mark:] if is_question(m)]
        assert asked == plan.path[1:4]
        stored = await stored_answers(harness.sessions, campaign_id)
        assert stored == plan.first(3)
