"""Kill the real bot process (SIGKILL) after every answer, restart it, and check that no answer
is lost or duplicated and that each user continues at the next unanswered question.

Four jongeren answer the armoede stap-3 consultation side by side. In every round each of them
gives the next answer, at a different moment relative to the kill:

* ``replied``: the bot's next question has arrived, then the kill;
* ``committed``: the answer is committed but the reply is held up at the Bot API, then the kill;
  the reply waits in the outbox and is delivered when the bot starts again;
* ``fetched``: the bot has fetched the update but cannot commit, because another connection
  holds the SQLite write lock, then the kill; the update was not confirmed to Telegram (that
  happens only after it was handled), so it is fetched and answered again after the restart;
* ``queued``: the kill comes right after the user sent the message, before the bot fetched it.

No user has to nudge the bot with /start: every answer is stored once and answered.

So every answer n = 1 … N is followed by a kill at each of the four moments, with one restart
per round (N + 1 process starts in all).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import Engine
from storage.db import make_engine, make_sessionmaker
from tests.conftest import prepared_database
from tests.reliability.helpers import (
    BotProcess,
    Plan,
    child_env,
    create_campaign,
    is_question,
    is_thanks,
    join,
    next_turn,
    participant_finished,
    processed,
    sqlite_write_lock,
    stored_answers,
    until,
    was_fetched,
)
from tgstub import LocalBotApi, SimUser

HOLD = 20.0  # seconds a held reply waits at the Bot API (it fails afterwards, to a dead bot)


@dataclass
class Lane:
    mode: str
    user: SimUser
    campaign_id: str
    plan: Plan
    shown: str | None = None  # the question the user sees now; None once finished
    update_id: int = 0  # of the answer sent in this round
    mark: int = 0  # bot messages before that answer

    async def stored(self, sessions: async_sessionmaker[AsyncSession]) -> dict[str, list[object]]:
        return await stored_answers(sessions, self.campaign_id)

    async def answer(self) -> None:
        assert self.shown is not None
        self.mark = self.user.mark()
        update = await self.user.send(self.plan.typed[self.shown])
        self.update_id = int(update["update_id"])

    async def see_next(self) -> None:
        """Wait for the bot's next question (or the thanks) after ``mark``."""
        messages = await next_turn(self.user, self.mark)
        last = [m for m in messages if is_question(m) or is_thanks(m)][-1]
        self.shown = self.plan.question_id(last) if is_question(last) else None


async def check(lane: Lane, sessions: async_sessionmaker[AsyncSession]) -> None:
    """The database holds exactly the answers given so far, and the user sees the first
    unanswered question."""
    stored = await lane.stored(sessions)
    assert stored == lane.plan.first(len(stored)), f"{lane.mode}: stored {stored}"
    assert lane.shown == lane.plan.next_unanswered(stored), f"{lane.mode}: shown {lane.shown}"


async def test_sigkill_at_every_answer_loses_and_duplicates_nothing(
    api: LocalBotApi, tmp_path: Path, flows_dir: Path, small_engine: Engine
) -> None:
    """SIGKILL around every answer: every answer stored once, each user resumes at the next."""
    url = await prepared_database("sqlite", tmp_path)
    database = make_engine(url)
    sessions = make_sessionmaker(database)
    bot = BotProcess(api, child_env(api, url, tmp_path, flows_dir), tmp_path)
    try:
        await bot.start()
        lanes: dict[str, Lane] = {}
        for index, mode in enumerate(("replied", "committed", "fetched", "queued")):
            token, campaign_id = await create_campaign(sessions)
            user = api.user(6100 + index, first_name=mode.title())
            lane = Lane(mode, user, campaign_id, Plan.make(small_engine, variant=index))
            lane.shown = lane.plan.question_id(await join(user, token))
            lanes[mode] = lane
        replied, committed, fetched, queued = lanes.values()
        rounds = len(replied.plan.path)
        for _ in range(rounds):
            # replied: the reply arrives; the answer was committed before it was sent.
            await replied.answer()
            await replied.see_next()
            assert await processed(sessions, replied.update_id)
            # committed: the reply is held up at the Bot API (and fails after HOLD seconds).
            api.inject("*", error_code=500, delay=HOLD, chat_id=committed.user.chat_id)
            await committed.answer()
            await until(
                lambda: processed(sessions, committed.update_id), "the committed lane's commit"
            )
            with sqlite_write_lock(url):
                # fetched: the bot has the update (not yet confirmed) but cannot commit.
                await fetched.answer()
                await until(
                    lambda: was_fetched(api, fetched.update_id), "the bot to fetch the update"
                )
                # queued: killed right after sending, before the bot could fetch it.
                await queued.answer()
                bot.kill()
                await bot.wait_dead()
            api.clear_faults()
            assert not await processed(sessions, fetched.update_id)
            assert not await processed(sessions, queued.update_id)
            assert len(committed.user.messages()) == committed.mark, "reply sent before the kill"

            await bot.start()
            # The update sent before the kill is delivered and answered without a nudge.
            await queued.see_next()
            assert await processed(sessions, queued.update_id)
            # Fetched but not committed, hence not confirmed: fetched again and answered.
            await fetched.see_next()
            assert await processed(sessions, fetched.update_id)
            # Committed, its reply lost with the process: the outbox delivers it at start-up.
            await committed.see_next()
            for lane in lanes.values():
                await check(lane, sessions)
            if all(lane.shown is None for lane in lanes.values()):
                break
        for lane in lanes.values():
            assert lane.shown is None, f"{lane.mode} did not finish"
            assert await lane.stored(sessions) == lane.plan.expected
            assert await participant_finished(sessions, lane.campaign_id)
        assert bot.starts == rounds + 1
    finally:
        await bot.close()
        await database.dispose()
