"""Health and metrics: /healthz tells a migrated database from an unmigrated one, /metrics
shows what the bot counted, and the PTB hooks count real Bot API traffic."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text
from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.config import load_settings
from bot.engine import Catalog, Engine
from bot.ops import __main__ as probe
from bot.ops import metrics
from bot.ops.instrument import InstrumentedApplication, instrumented_request
from bot.ops.server import bound_port, check_health, start_ops_server
from bot.runtime import Runtime
from storage.db import head_revision, make_engine, make_sessionmaker, upgrade_async
from tgstub import LocalBotApi

TOKEN = "123456:OPS-TEST-TOKEN-abcdefghij"


def sample(name: str, **labels: str) -> float:
    value = metrics.REGISTRY.get_sample_value(name, labels or None)
    return value or 0.0


def runtime_for(url: str, catalog: Catalog, engine: Engine, tmp_path: Path) -> Runtime:
    settings = load_settings(database_url=url, pepper="o" * 40, data_dir=tmp_path / "data")
    database = make_engine(url)
    return Runtime(settings, catalog, engine, database, make_sessionmaker(database), b"o" * 40)


@pytest.fixture
async def ops(
    tmp_path: Path, catalog: Catalog, engine: Engine
) -> AsyncIterator[tuple[Runtime, str]]:
    """A runtime on an empty SQLite file and its ops server; yields (runtime, base URL)."""
    runtime = runtime_for(f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}", catalog, engine, tmp_path)
    runner = await start_ops_server(runtime, "127.0.0.1", 0)
    try:
        yield runtime, f"http://127.0.0.1:{bound_port(runner)}"
    finally:
        await runner.cleanup()
        await runtime.close()


async def get(url: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


async def test_healthz_is_200_on_a_migrated_database(ops: tuple[Runtime, str]) -> None:
    """After the migrations ran, /healthz answers 200 with database ok and migrations current."""
    runtime, base = ops
    await upgrade_async(runtime.settings.resolved_database_url)
    async with aiohttp.ClientSession() as http, http.get(f"{base}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"database": "ok", "migrations": "current"}


async def test_healthz_is_503_on_an_unmigrated_database(ops: tuple[Runtime, str]) -> None:
    """An empty database answers SELECT 1 but has no schema: 503, migrations pending."""
    _, base = ops
    async with aiohttp.ClientSession() as http, http.get(f"{base}/healthz") as response:
        assert response.status == 503
        assert await response.json() == {"database": "ok", "migrations": "pending"}


async def test_healthz_reports_a_database_migrated_by_newer_code(tmp_path: Path) -> None:
    """A revision this code does not know (a newer release migrated) is 'ahead', not healthy."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'newer.db'}"
    await upgrade_async(url)
    database = make_engine(url)
    try:
        async with database.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = 'f00dcafe'"))
        assert await check_health(database) == (
            False,
            {"database": "ok", "migrations": "ahead"},
        )
    finally:
        await database.dispose()


async def test_healthz_is_503_when_the_database_cannot_be_reached(tmp_path: Path) -> None:
    """A database server that refuses connections gives 503 'unreachable', not a hang."""
    with_nothing_listening = "postgresql+asyncpg://nobody:pw@127.0.0.1:1/none"
    database = make_engine(with_nothing_listening)
    try:
        assert await check_health(database) == (
            False,
            {"database": "unreachable", "migrations": "unknown"},
        )
    finally:
        await database.dispose()


async def test_probe_exits_0_when_healthy_and_1_when_not(
    ops: tuple[Runtime, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bot.ops` (the container health check) follows /healthz: 1 before, 0 after."""
    runtime, base = ops
    port = base.rsplit(":", 1)[1]
    before = await asyncio.to_thread(probe.main, ["--port", port])
    assert "pending" in capsys.readouterr().err
    await upgrade_async(runtime.settings.resolved_database_url)
    after = await asyncio.to_thread(probe.main, ["--port", port])
    assert (before, after) == (1, 0)
    assert '"current"' in capsys.readouterr().out


def test_probe_fails_when_nothing_listens(capsys: pytest.CaptureFixture[str]) -> None:
    """No server on the port: the probe exits 1 and says it got no answer."""
    assert probe.main(["--port", "1", "--timeout", "2"]) == 1
    assert "no answer" in capsys.readouterr().err


async def test_metrics_page_lists_every_metric_after_counting(ops: tuple[Runtime, str]) -> None:
    """The edge functions move the counters, and /metrics shows them in Prometheus text."""
    _, base = ops
    before = (
        sample("samenspraak_updates_handled_total"),
        sample("samenspraak_handler_errors_total"),
        sample("samenspraak_messages_sent_total", method="sendPhoto"),
        sample("samenspraak_telegram_retry_after_total"),
        sample("samenspraak_handler_seconds_count"),
    )
    metrics.observe_update(0.2)
    metrics.count_error()
    metrics.count_sent("sendPhoto")
    metrics.count_retry_after()
    status, content_type, page = await get(f"{base}/metrics")
    after = (
        sample("samenspraak_updates_handled_total"),
        sample("samenspraak_handler_errors_total"),
        sample("samenspraak_messages_sent_total", method="sendPhoto"),
        sample("samenspraak_telegram_retry_after_total"),
        sample("samenspraak_handler_seconds_count"),
    )
    assert status == 200 and content_type.startswith("text/plain")
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 1, 1, 1, 1]
    for name in (
        "samenspraak_updates_handled_total",
        "samenspraak_handler_errors_total",
        'samenspraak_messages_sent_total{method="sendMessage"}',
        "samenspraak_telegram_retry_after_total",
        'samenspraak_handler_seconds_bucket{le="0.25"}',
        "process_resident_memory_bytes",
    ):
        assert name in page
    assert f"samenspraak_updates_handled_total {after[0]}" in page


async def test_ptb_hooks_count_updates_errors_sends_and_429s(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Through the real Application: a reply counts as sent (after a 429 is waited out), a
    failing handler counts as an error, and both updates are timed."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 22 warns on RetryAfter otherwise
    failed = asyncio.Event()

    async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("hallo terug")

    async def boom(_: Update, __: ContextTypes.DEFAULT_TYPE) -> None:
        raise RuntimeError("handler failed")

    async def on_error(_: object, __: ContextTypes.DEFAULT_TYPE) -> None:
        failed.set()

    keys = (
        ("samenspraak_updates_handled_total", {}),
        ("samenspraak_handler_errors_total", {}),
        ("samenspraak_messages_sent_total", {"method": "sendMessage"}),
        ("samenspraak_telegram_retry_after_total", {}),
    )
    before = [sample(name, **labels) for name, labels in keys]
    async with LocalBotApi(token=TOKEN, bot_username="ops_test_bot") as api:
        application = (
            ApplicationBuilder()
            .application_class(InstrumentedApplication)
            .request(instrumented_request())
            .token(TOKEN)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .rate_limiter(AIORateLimiter(max_retries=3))
            .build()
        )
        application.add_handler(CommandHandler("boom", boom))
        application.add_handler(MessageHandler(filters.TEXT, echo))
        application.add_error_handler(on_error)
        user = api.user(4242)
        too_many = api.inject("sendMessage", 429, retry_after=0.01)
        async with application:
            await application.process_update(
                Update.de_json(await user.send("hallo"), application.bot)
            )
            await application.process_update(
                Update.de_json(await user.send("/boom"), application.bot)
            )
    after = [sample(name, **labels) for name, labels in keys]
    assert [m.text for m in user.messages()] == ["hallo terug"]
    assert too_many.hits == 1 and failed.is_set()
    assert [b - a for a, b in zip(before, after, strict=True)] == [2, 1, 1, 1]


def test_head_revision_is_what_healthz_expects() -> None:
    """The ops server compares against the same head the migration job applies."""
    from bot.ops.server import migration_state

    assert migration_state(head_revision()) == "current"
    assert migration_state(None) == "pending"


async def test_ops_server_is_separate_from_the_webhook_port(ops: tuple[Runtime, str]) -> None:
    """The ops server has no /telegram route: webhook traffic never reaches it."""
    _, base = ops
    async with aiohttp.ClientSession() as http, http.post(f"{base}/telegram") as response:
        assert response.status in (404, 405)


async def test_a_taken_port_raises_and_leaves_nothing_open(ops: tuple[Runtime, str]) -> None:
    """A second ops server on a port in use raises OSError (the caller logs it and goes on)."""
    runtime, base = ops
    port = int(base.rsplit(":", 1)[1])
    with pytest.raises(OSError):
        await start_ops_server(runtime, "127.0.0.1", port)
    status, _, _ = await get(f"{base}/metrics")
    assert status == 200
