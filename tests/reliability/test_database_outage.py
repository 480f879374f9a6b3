"""The database goes away or stays locked for a while: the user gets one short plain-language
message, nothing committed is lost, nothing half-done is committed, and the bot carries on
without a restart once the database is back."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

import storage.db
from bot.engine import Engine
from bot.engine.schema import TextStep
from tests.conftest import PG_SKIP_REASON, PG_URL, prepared_database
from tests.reliability.helpers import (
    SORRY,
    Harness,
    Plan,
    TcpProxy,
    is_question,
    join,
    next_turn,
    open_harness,
    processed,
    sorry_count,
    sqlite_write_lock,
    stored_answers,
    until,
    was_fetched,
)
from tgstub import BotMessage, LocalBotApi, SimUser

needs_postgres = pytest.mark.skipif(not PG_URL, reason=PG_SKIP_REASON)
MARKER = "zonnebloemveld"  # a word only the answer under test contains


async def answer(user: SimUser, plan: Plan, question_id: str, text: str | None = None) -> int:
    """Type the planned answer (or ``text``); return the update id."""
    update = await user.send(text if text is not None else plan.typed[question_id])
    return int(update["update_id"])


async def walk(user: SimUser, plan: Plan, n: int) -> None:
    """Answer the first ``n`` questions, each time waiting for the next one."""
    for question_id in plan.path[:n]:
        mark = user.mark()
        await answer(user, plan, question_id)
        await next_turn(user, mark)


def assert_short_plain_notice(message: BotMessage) -> None:
    text = message.text or ""
    assert SORRY in text and "bewaard" in text
    assert len(text) < 200
    for technical in ("Error", "Traceback", "sqlalchemy", "asyncpg", "database", "locked"):
        assert technical not in text


def logged(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


async def continue_after_outage(
    harness: Harness, user: SimUser, plan: Plan, campaign_id: str, n: int, since: int
) -> None:
    """The user types the lost answer again; it is stored once and the next question follows.
    Since ``since`` the user got exactly one notice."""
    mark = user.mark()
    await answer(user, plan, plan.path[n])
    messages = await next_turn(user, mark)
    asked = [m for m in messages if is_question(m)][-1]
    assert plan.question_id(asked) == plan.path[n + 1]
    assert sorry_count(user.messages()[since:]) == 1
    assert await stored_answers(harness.sessions, campaign_id) == plan.first(n + 1)
    assert harness.running


@needs_postgres
async def test_postgres_unreachable_between_answers(
    api: LocalBotApi, tmp_path: Path, flows_dir: Path, small_engine: Engine
) -> None:
    """PostgreSQL gone: one notice, earlier answers kept, re-sent answer stored, no restart."""
    assert PG_URL is not None
    url = await prepared_database("postgresql", tmp_path)
    plan = Plan.make(small_engine)
    target = make_url(url)
    async with TcpProxy(target.host or "127.0.0.1", target.port or 5432) as proxy:
        bot_url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
        async with open_harness(api, tmp_path, url, flows_dir, bot_url=bot_url) as harness:
            token, campaign_id = await harness.campaign()
            user = api.user(6301)
            await join(user, token)
            await walk(user, plan, 2)
            proxy.cut()
            mark = user.mark()
            update_id = await answer(user, plan, plan.path[2])
            (notice,) = await user.wait_new(mark, 1)
            assert_short_plain_notice(notice)
            assert await stored_answers(harness.sessions, campaign_id) == plan.first(2)
            assert not await processed(harness.sessions, update_id)
            proxy.restore()
            await continue_after_outage(harness, user, plan, campaign_id, 2, mark)


def first_text_question(plan: Plan, engine: Engine) -> int:
    flow = engine.flow(plan.flow_id)
    kinds = {step.id: step for step in flow.steps}
    return next(i for i, q in enumerate(plan.path) if isinstance(kinds[q], TextStep))


@needs_postgres
async def test_postgres_cut_mid_transaction_commits_nothing_half(
    api: LocalBotApi, tmp_path: Path, flows_dir: Path, small_engine: Engine
) -> None:
    """Connection cut mid-write: nothing of the update committed, one notice, self-recovery."""
    assert PG_URL is not None
    url = await prepared_database("postgresql", tmp_path)
    plan = Plan.make(small_engine)
    n = first_text_question(plan, small_engine)
    target = make_url(url)
    async with TcpProxy(target.host or "127.0.0.1", target.port or 5432) as proxy:
        bot_url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
        async with open_harness(api, tmp_path, url, flows_dir, bot_url=bot_url) as harness:
            token, campaign_id = await harness.campaign()
            user = api.user(6302)
            await join(user, token)
            await walk(user, plan, n)
            proxy.trigger = MARKER.encode()
            mark = user.mark()
            update_id = await answer(user, plan, plan.path[n], f"een {MARKER} vol ideeën")
            (notice,) = await user.wait_new(mark, 1)
            assert proxy.cut_off, "the answer never reached the database connection"
            assert_short_plain_notice(notice)
            assert not await processed(harness.sessions, update_id)
            assert await stored_answers(harness.sessions, campaign_id) == plan.first(n)
            proxy.restore()
            await continue_after_outage(harness, user, plan, campaign_id, n, mark)


FAIL_ANSWERS = text(
    "CREATE TRIGGER fail_answers BEFORE INSERT ON answers "
    "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
)


async def fail_while_writing_the_answer(
    api: LocalBotApi, tmp_path: Path, flows_dir: Path, plan: Plan, engine: Engine, user_id: int
) -> None:
    """SQLite refuses the answer row (a trigger), after the update id and the session were
    written in the same transaction: nothing may be committed, one notice, then recovery."""
    url = await prepared_database("sqlite", tmp_path)
    n = first_text_question(plan, engine)
    async with open_harness(api, tmp_path, url, flows_dir) as harness:
        token, campaign_id = await harness.campaign()
        user = api.user(user_id)
        await join(user, token)
        await walk(user, plan, n)
        async with harness.database.begin() as connection:
            await connection.execute(FAIL_ANSWERS)
        mark = user.mark()
        update_id = await answer(user, plan, plan.path[n], f"een {MARKER} vol ideeën")
        (notice,) = await user.wait_new(mark, 1)
        assert_short_plain_notice(notice)
        assert not await processed(harness.sessions, update_id)
        assert await stored_answers(harness.sessions, campaign_id) == plan.first(n)
        async with harness.database.begin() as connection:
            await connection.execute(text("DROP TRIGGER fail_answers"))
        await continue_after_outage(harness, user, plan, campaign_id, n, mark)


async def test_write_failing_mid_transaction_commits_nothing_half(
    api: LocalBotApi, tmp_path: Path, flows_dir: Path, small_engine: Engine
) -> None:
    """A write failing mid-update rolls back id, session and answer; one notice; then recovery."""
    plan = Plan.make(small_engine)
    await fail_while_writing_the_answer(api, tmp_path, flows_dir, plan, small_engine, 6305)


async def test_failed_update_is_logged_without_the_answer(
    api: LocalBotApi,
    tmp_path: Path,
    flows_dir: Path,
    small_engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When writing an answer fails, the error log does not contain the answer text."""
    caplog.set_level(logging.INFO, logger="bot")
    plan = Plan.make(small_engine)
    await fail_while_writing_the_answer(api, tmp_path, flows_dir, plan, small_engine, 6306)
    assert "update failed" in caplog.text
    assert MARKER not in logged(caplog)


async def test_sqlite_locked_briefly_waits_and_succeeds(
    api: LocalBotApi, tmp_path: Path, flows_dir: Path, small_engine: Engine
) -> None:
    """A briefly locked SQLite file only delays the reply: stored once, no notice."""
    url = await prepared_database("sqlite", tmp_path)
    plan = Plan.make(small_engine)
    async with open_harness(api, tmp_path, url, flows_dir) as harness:
        token, campaign_id = await harness.campaign()
        user = api.user(6303)
        await join(user, token)
        mark = user.mark()
        with sqlite_write_lock(url):
            update_id = await answer(user, plan, plan.path[0])
            await until(lambda: was_fetched(api, update_id), "the bot to fetch")
            # The bot now waits for the lock (busy_timeout); it must not reply before commit.
            with pytest.raises(TimeoutError):
                await user.wait_new(mark, 1, timeout=0.5)
        messages = await next_turn(user, mark)
        assert sorry_count(messages) == 0
        assert plan.question_id([m for m in messages if is_question(m)][-1]) == plan.path[1]
        assert await stored_answers(harness.sessions, campaign_id) == plan.first(1)


async def test_sqlite_locked_beyond_busy_timeout_sends_one_notice(
    api: LocalBotApi,
    tmp_path: Path,
    flows_dir: Path,
    small_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A lock beyond the busy timeout: one notice, nothing stored, re-sent answer stored."""
    original = storage.db._sqlite_pragmas

    def short_busy_timeout(dbapi_connection: object, record: object) -> None:
        original(dbapi_connection, record)
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA busy_timeout=200")
        cursor.close()

    monkeypatch.setattr(storage.db, "_sqlite_pragmas", short_busy_timeout)
    url = await prepared_database("sqlite", tmp_path)
    plan = Plan.make(small_engine)
    async with open_harness(api, tmp_path, url, flows_dir) as harness:
        token, campaign_id = await harness.campaign()
        user = api.user(6304)
        await join(user, token)
        await walk(user, plan, 1)
        mark = user.mark()
        with sqlite_write_lock(url):
            update_id = await answer(user, plan, plan.path[1])
            (notice,) = await user.wait_new(mark, 1)
        assert_short_plain_notice(notice)
        assert not await processed(harness.sessions, update_id)
        assert await stored_answers(harness.sessions, campaign_id) == plan.first(1)
        await continue_after_outage(harness, user, plan, campaign_id, 1, mark)
