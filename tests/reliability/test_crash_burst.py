"""A burst of 30 users answering at once, the real bot killed with SIGKILL at a random moment
of the burst, restarted; repeated for several bursts, in polling and in webhook mode, on SQLite
and on PostgreSQL.

After each restart, without anybody nudging the bot with /start, every user must get the reply
to their answer (the next question), and the database must hold every answer exactly once:
0 lost, 0 duplicated, 0 stored without a reply (the outbox is empty once all replies are in).

Why this holds: an update is confirmed to Telegram only after it was handled (polling:
``bot.telegram.polling``; webhook: the 200 comes after the handler), the update id is claimed in
the answer's transaction, and the replies are written to the outbox in that same transaction.
"""

from __future__ import annotations

import asyncio
import random
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import Engine
from storage import outbox
from storage.db import make_engine, make_sessionmaker
from storage.models import ProcessedUpdate
from tests.conftest import prepared_database
from tests.reliability.helpers import (
    BotProcess,
    Plan,
    child_env,
    count_rows,
    create_campaign,
    free_port,
    is_question,
    is_thanks,
    join,
    next_turn,
    stored_answers,
    until,
)
from tgstub import LocalBotApi, SimUser

USERS = 30
BURSTS = 3
SECRET = "burst-webhook-secret_0123456789"


class Lane:
    def __init__(self, user: SimUser, campaign_id: str, plan: Plan) -> None:
        self.user = user
        self.campaign_id = campaign_id
        self.plan = plan
        self.answered = 0
        self.shown: str | None = None
        self.mark = 0

    async def answer(self) -> None:
        assert self.shown is not None
        self.mark = self.user.mark()
        await self.user.send(self.plan.typed[self.shown])
        self.answered += 1

    async def see_reply(self) -> None:
        """The reply to the last answer: the next question (or the thanks), with no nudge."""
        messages = await next_turn(self.user, self.mark, timeout=40.0)
        last = [m for m in messages if is_question(m) or is_thanks(m)][-1]
        self.shown = self.plan.question_id(last) if is_question(last) else None


async def at_least(sessions: async_sessionmaker[AsyncSession], rows: int) -> bool:
    return await count_rows(sessions, ProcessedUpdate) >= rows


async def outbox_empty(sessions: async_sessionmaker[AsyncSession]) -> bool:
    async with sessions() as session:
        return await outbox.count(session) == 0


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_sigkill_during_a_burst_loses_duplicates_and_orphans_nothing(
    api: LocalBotApi,
    tmp_path: Path,
    flows_dir: Path,
    small_engine: Engine,
    mode: str,
    kind: str,
) -> None:
    """30 users answer at once, SIGKILL at a random moment, restart: every answer stored once
    and answered; repeated for three bursts."""
    url = await prepared_database(kind, tmp_path)
    database = make_engine(url)
    sessions = make_sessionmaker(database)
    env = child_env(api, url, tmp_path, flows_dir)
    # Replies a killed replica left are taken over after one second (the default is 30).
    env["SAMENSPRAAK_OUTBOX_HOLD_SECONDS"] = "1"
    args: tuple[str, ...] = ()
    if mode == "webhook":
        port = free_port()
        env["SAMENSPRAAK_WEBHOOK_SECRET"] = SECRET
        args = ("--webhook", "--listen", "127.0.0.1", "--port", str(port))
        args += ("--url", f"http://127.0.0.1:{port}")
    bot = BotProcess(api, env, tmp_path, args)
    rng = random.Random(f"{mode}-{kind}")
    kills = 0
    try:
        await bot.start()
        lanes: list[Lane] = []
        for index in range(USERS):
            token, campaign_id = await create_campaign(sessions)
            user = api.user(7100 + index, first_name=f"Burst{index}")
            lanes.append(Lane(user, campaign_id, Plan.make(small_engine, variant=index)))
            lanes[-1].shown = lanes[-1].plan.question_id(await join(user, token))
        cut_short = 0  # answers of a burst not yet committed when the bot died
        for _ in range(BURSTS):
            before = await count_rows(sessions, ProcessedUpdate)
            await asyncio.gather(*(lane.answer() for lane in lanes))
            # The kill comes once a random number of the burst's answers has been committed.
            committed = rng.randint(1, USERS * 2 // 3)
            await until(partial(at_least, sessions, before + committed), "part of the burst")
            bot.kill()
            await bot.wait_dead()
            kills += 1
            cut_short += before + USERS - await count_rows(sessions, ProcessedUpdate)
            await bot.start()
            await asyncio.gather(*(lane.see_reply() for lane in lanes))
            for lane in lanes:
                stored = await stored_answers(sessions, lane.campaign_id)
                assert stored == lane.plan.first(lane.answered), f"{lane.user.chat_id}: {stored}"
                assert lane.shown == lane.plan.next_unanswered(stored)
            await until(lambda: outbox_empty(sessions), "the outbox to be empty")
        assert cut_short > 0, "every kill came after the whole burst was handled"
        assert kills == BURSTS
        assert bot.starts == BURSTS + 1
    finally:
        await bot.close()
        await database.dispose()
