"""Memory per open conversation, and start-up time to the first handled update.

    python -m benchmarks.memory --conversations 2000 [--database-url URL] [--baseline]

Start-up: our bot (``samenspraak run``, all shipped flows) is spawned with a plain /start
already waiting at the local Bot API server; ``startup_s`` is the time from spawning the process
until that /start is answered. It is measured twice: on an empty database the bot migrates
itself (``startup_fresh_db_s``), and on a migrated one (``startup_s``, a normal restart).

Memory: after a warm-up of ``--warmup-users`` participants, ``--conversations`` more
participants each open the jongeren consultation of armoede stap 3 and answer its first
questions (up to the multiple choice), then leave it open, in two equal halves. The bot's RSS
(``VmRSS`` from ``/proc/<pid>/status``) is read before, between and after the halves.
``rss_per_conversation_bytes`` is the second half's growth per conversation: what one more open
conversation costs the process (the state itself is in the database, so this is PTB's chat and
user data, our caches, allocator slack). ``rss_growth_per_conversation_bytes`` is the whole
run's growth divided by all conversations: it also holds what the process grows by once, when
load first comes (SQLite connections the pool opens on demand, each with its worker thread,
its allocator arena and its page cache; about 4 MB whatever the number of conversations), so it
falls as the run gets longer. "Before" is taken once our bot's warm-up (theme matchers and name
lists, tens of MB built once a few seconds after start) is done (``warmed_up``).
``--baseline`` measures the bare PTB bot the same way. As in the e2e benchmark, our bot runs
with PTB's rate limiter in ``retry-only`` mode, so its 30 messages/s throttle does not stretch
the run.

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    BOT_USERNAME,
    TOKEN,
    BotKind,
    BotProcess,
    Player,
    Stats,
    TurnFailed,
    add_bot_patch_option,
    create_campaign,
    emit,
    prepare_database,
    start_bot,
)
from bot.runtime import WARMED_UP
from tgstub import LocalBotApi

ANSWERS = 3  # a question or two into the consultation; a multiple choice stops it earlier
BASELINE_TOKEN = "baseline-campaign"


async def first_reply(api: LocalBotApi, bot: BotProcess, timeout: float = 120.0) -> float:
    """Seconds from spawning ``bot`` until the /start queued for it is answered."""
    user = api.user(1, first_name="Probe")
    chat = api.state.chats.get(1)
    assert chat is not None
    await user.send("/start")
    deadline = time.perf_counter() + timeout
    while not chat.bot_messages:
        bot.check_alive()
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the {bot.kind} bot did not answer within {timeout}s")
        await chat.signal.wait(0.05)
    return time.perf_counter() - bot.started


async def open_conversations(
    api: LocalBotApi, token: str, ids: range, concurrency: int, stats: Stats
) -> None:
    queue = iter(ids)

    async def worker() -> None:
        player = Player(api, token, stats, timeout=60.0)
        for user_id in queue:
            try:
                await player.play(user_id, answers=ANSWERS)
            except TurnFailed as failure:
                stats.error(str(failure))

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def settle(bot: BotProcess, seconds: float = 1.0) -> int:
    await asyncio.sleep(seconds)
    return bot.rss_kb()


async def measure_bot(
    kind: BotKind, args: argparse.Namespace, workdir: Path, database_url: str
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    token = BASELINE_TOKEN
    if kind == "ours":
        if database_url.startswith("sqlite") and not args.no_cold_start:
            # A cold start: the bot applies the migrations to an empty SQLite file itself.
            fresh = f"sqlite+aiosqlite:///{workdir / 'fresh' / 'fresh.db'}"
            async with LocalBotApi(token=TOKEN, bot_username=BOT_USERNAME) as api:
                bot = start_bot(kind, api, workdir / "fresh", fresh, rate_limiter="retry-only")
                try:
                    result["startup_fresh_db_s"] = round(await first_reply(api, bot), 2)
                finally:
                    await asyncio.to_thread(bot.stop)
        await prepare_database(database_url)
        token = await create_campaign(database_url)
    async with LocalBotApi(token=TOKEN, bot_username=BOT_USERNAME) as api:
        patches = tuple(args.bot_patch) if kind == "ours" else ()
        bot = start_bot(
            kind, api, workdir / kind, database_url, rate_limiter="retry-only", patches=patches
        )
        try:
            result["startup_s"] = round(await first_reply(api, bot), 2)
            result["rss_start_kb"] = bot.rss_kb()
            stats = Stats()
            warm = range(1_000_001, 1_000_001 + args.warmup_users)
            await open_conversations(api, token, warm, args.concurrency, stats)
            if kind == "ours":
                # The warm-up (theme matchers, name lists: tens of MB, once) must not be counted
                # as memory per conversation.
                result["warmed_up"] = await bot.logged(WARMED_UP, timeout=60)
            before = await settle(bot)
            threads_before = bot.threads()
            first = warm.stop
            half = args.conversations // 2
            started = time.perf_counter()
            await open_conversations(
                api, token, range(first, first + half), args.concurrency, stats
            )
            middle = await settle(bot)
            await open_conversations(
                api,
                token,
                range(first + half, first + args.conversations),
                args.concurrency,
                stats,
            )
            result["drive_s"] = round(time.perf_counter() - started, 1)
            after = await settle(bot)
            bot.check_alive()
            result.update(
                rss_before_kb=before,
                rss_middle_kb=middle,
                rss_after_kb=after,
                rss_per_conversation_bytes=round(
                    (after - middle) * 1024 / (args.conversations - half)
                ),
                rss_growth_per_conversation_bytes=round(
                    (after - before) * 1024 / args.conversations
                ),
                threads_before=threads_before,
                threads_after=bot.threads(),
                errors=stats.errors + bot.error_lines(),
            )
        finally:
            await asyncio.to_thread(bot.stop)
    return result


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="samen-memory-") as tmp:
        workdir = args.workdir or Path(tmp)
        database_url = args.database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        ours = await measure_bot("ours", args, workdir, database_url)
        print(f"[ours] {ours}", file=sys.stderr, flush=True)
        result: dict[str, Any] = {
            "benchmark": "memory",
            "conversations": args.conversations,
            "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
            **ours,
        }
        if args.baseline:
            baseline = await measure_bot("baseline", args, workdir, database_url)
            print(f"[baseline] {baseline}", file=sys.stderr, flush=True)
            result["baseline_startup_s"] = baseline["startup_s"]
            result["baseline_rss_start_kb"] = baseline["rss_start_kb"]
            for key in ("rss_per_conversation_bytes", "rss_growth_per_conversation_bytes"):
                result[f"baseline_{key}"] = baseline[key]
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.memory", description=__doc__.split("\n", 1)[0]
    )
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--warmup-users", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=50, help="users opening at once")
    parser.add_argument(
        "--database-url", default=None, help="default: a fresh SQLite file in a temporary dir"
    )
    parser.add_argument("--baseline", action="store_true", help="also the bare PTB bot")
    add_bot_patch_option(parser)
    parser.add_argument(
        "--no-cold-start", action="store_true", help="skip the start-up on an empty database"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="keep logs and files here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        emit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
