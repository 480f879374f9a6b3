"""End-to-end throughput, latency and CPU of the bot, against a bare PTB baseline.

    python -m benchmarks.e2e --users 100 --seconds 20 [--rate 50] [--database-url URL]

Runs the local Bot API server in this process, starts the bot under test as a separate process
(``samenspraak run`` with a fresh SQLite file, or ``--database-url``), creates a jongeren
campaign for armoede stap 3 directly in the database, and lets ``--users`` simulated
participants, each in their own private chat, play the consultation over and over for
``--seconds`` (a finished participant starts again as a new user). Then it does the same with
``benchmarks/baseline_bot.py`` (bare python-telegram-bot, ``ConversationHandler``, in-memory
state, same messages, keyboards and Bot API calls) against a fresh server and the same load.

Phase 1, load (after ``--warmup`` seconds of the same load): closed loop by default, every user
sends its next update as soon as the bot's reply is there; ``--rate R`` offers a fixed total of
R updates/s instead (open loop; a user still waiting for its reply skips its turn, so R needs
enough users). Measured:

- ``updates_per_s``: updates answered per second (every update a user sent: /start, consent,
  a multiple-choice toggle, an answer); ``answers_per_s`` counts stored answers only;
- ``p50_ms``/``p95_ms``/``p99_ms``: from the update being queued at the server until the bot's
  message that ends the turn is there (the next question or 'Klaar!'; for a toggle, the edit);
- ``cpu_ms_per_update``: the bot process's utime+stime (``/proc/<pid>/stat``, all threads)
  over the window, divided by the updates answered in it;
- ``errors``: turns that timed out or got the bot's error notice, plus ERROR lines in its log;
- ``lost``: answers sent minus answer rows in the database (must be 0).

Phase 2, CPU at equal load (skipped with ``--rate``, where phase 1 already is): in a closed
loop a slower bot answers fewer updates, in a different mix (more /start and consent, which
cost more) and with less batching per getUpdates, so CPU per update is only comparable at the
same offered load. Both bots get ``--cpu-users`` fresh participants (so the same sequence of
update kinds) at ``--cpu-rate`` updates/s (default: half of our phase-1 throughput) for
``--cpu-seconds``, in turn, ``--cpu-repeats`` times (both bots stay up in between, each with
its own server); ``cpu_ratio`` = ours / baseline CPU per update there, the median of the
per-turn ratios (``cpu_ratios``): a shared machine's load drifts from minute to minute, and a
pair measured one after the other drifts least (``closed_loop_cpu_ratio`` is the phase-1
ratio, for reference).

The last line printed is one JSON object with all of these.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import (
    BOT_USERNAME,
    TOKEN,
    BotKind,
    BotProcess,
    Pacer,
    Player,
    Stats,
    add_bot_patch_option,
    count_answers,
    create_campaign,
    emit,
    own_cpu_ms,
    percentile,
    prepare_database,
    probe,
    start_bot,
    wait_drained,
)
from tgstub import LocalBotApi

BASELINE_TOKEN = "baseline-campaign"


@dataclass
class Phase:
    """One measured window of load on one bot."""

    updates: int
    answers: int
    seconds: float
    latencies: list[float]
    cpu_ms: float
    driver_cpu_ms: float
    errors: int
    error_kinds: dict[str, int]
    rounds: int
    offered: int | None
    calls: dict[str, int]

    @property
    def updates_per_s(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_update(self) -> float:
        return self.cpu_ms / self.updates if self.updates else 0.0

    def ms(self, q: float) -> float:
        return round(percentile(self.latencies, q) * 1000, 1)

    def summary(self) -> dict[str, Any]:
        seconds = self.seconds or 1.0
        result: dict[str, Any] = {
            "updates": self.updates,
            "updates_per_s": round(self.updates_per_s, 1),
            "answers_per_s": round(self.answers / seconds, 1),
            "p50_ms": self.ms(50),
            "p95_ms": self.ms(95),
            "p99_ms": self.ms(99),
            "cpu_ms_per_update": round(self.cpu_per_update, 3),
            "bot_cpu_util": round(self.cpu_ms / 1000 / seconds, 2),
            "driver_cpu_util": round(self.driver_cpu_ms / 1000 / seconds, 2),
            "rounds_finished": self.rounds,
            "api_calls_per_update": round(sum(self.calls.values()) / self.updates, 2)
            if self.updates
            else 0.0,
        }
        if self.offered is not None:
            result["offered_per_s"] = round(self.offered / seconds, 1)
        return result


@dataclass
class RunResult:
    kind: BotKind
    load: Phase
    at_rate: list[Phase]  # one per repeat of phase 2 (empty: no phase 2)
    log_errors: int
    answers_sent: int
    answers_stored: int | None
    startup_s: float
    rss_kb: int
    cpu_rate: float | None

    @property
    def errors(self) -> int:
        return self.load.errors + sum(p.errors for p in self.at_rate) + self.log_errors

    @property
    def cpu_phases(self) -> list[Phase]:
        return self.at_rate or [self.load]


@dataclass
class Running:
    """One bot under load: its server, its process and what it was sent."""

    kind: BotKind
    api: LocalBotApi
    bot: BotProcess
    token: str
    stats: Stats
    startup_s: float


@contextlib.asynccontextmanager
async def running(
    kind: BotKind, args: argparse.Namespace, workdir: Path, database_url: str
) -> AsyncIterator[Running]:
    """The bot started against its own local Bot API server, until the block ends."""
    token = BASELINE_TOKEN
    if kind == "ours":
        await prepare_database(database_url)
        token = await create_campaign(database_url)
    extra: tuple[str, ...] = ()
    if kind == "baseline" and args.baseline_rate_limiter:
        extra = ("--rate-limiter", args.rate_limiter)
    if kind == "baseline":
        extra += ("--request", args.baseline_request)
    async with LocalBotApi(token=TOKEN, bot_username=BOT_USERNAME) as api:
        bot = start_bot(
            kind,
            api,
            workdir / kind,
            database_url,
            extra,
            rate_limiter=args.rate_limiter,
            patches=tuple(args.bot_patch),
        )
        try:
            startup = await probe(api, user_id=1, timeout=180)
            bot.check_alive()
            yield Running(kind, api, bot, token, Stats(), startup)
        finally:
            # In a thread: the server in this event loop must answer the bot's last getUpdates.
            code = await asyncio.to_thread(bot.stop)
            if code not in (0, None, -2):
                print(f"{kind} bot exited with {code}", file=sys.stderr)


async def load_phase(one: Running, args: argparse.Namespace) -> Phase:
    return await phase(
        one,
        users=args.users,
        first_id=1_000_001,
        rate=args.rate,
        warmup=args.warmup,
        seconds=args.seconds,
        timeout=args.timeout,
        profile=args.profile,
    )


async def rate_phase(one: Running, args: argparse.Namespace, rate: float, turn: int) -> Phase:
    """Phase 2 (``turn`` counts its repeats): fresh participants at ``rate`` updates/s."""
    return await phase(
        one,
        users=args.cpu_users,
        first_id=5_000_001 + 100_000 * turn,
        rate=rate,
        warmup=0.0,
        seconds=args.cpu_seconds,
        timeout=args.timeout,
        profile=None,
    )


async def finish(
    one: Running,
    load: Phase,
    at_rate: list[Phase],
    rss_kb: int,
    cpu_rate: float | None,
    database_url: str,
) -> RunResult:
    one.bot.check_alive()
    return RunResult(
        kind=one.kind,
        load=load,
        at_rate=at_rate,
        log_errors=one.bot.error_lines(),
        answers_sent=one.stats.answers_sent,
        answers_stored=await count_answers(database_url) if one.kind == "ours" else None,
        startup_s=one.startup_s,
        rss_kb=rss_kb,
        cpu_rate=cpu_rate,
    )


async def phase(
    one: Running,
    *,
    users: int,
    first_id: int,
    rate: float | None,
    warmup: float,
    seconds: float,
    timeout: float,
    profile: Path | None,
) -> Phase:
    """``users`` players (fresh user ids from ``first_id``) for ``warmup + seconds``; the last
    ``seconds`` are measured. Returns when every player stopped and the bot is idle again."""
    api, bot, token, stats = one.api, one.bot, one.token, one.stats
    errors0, kinds0 = stats.errors, dict(stats.error_kinds)
    rounds0 = stats.rounds_finished
    pacer = Pacer(rate) if rate else None
    ids = itertools.count(first_id)
    window_start = time.perf_counter() + warmup
    stop_at = window_start + seconds
    players = [Player(api, token, stats, pacer=pacer, timeout=timeout) for _ in range(users)]
    if pacer is not None:
        pacer.start()
    tasks = [asyncio.create_task(player.play_until(ids, stop_at)) for player in players]
    await asyncio.sleep(max(0.0, window_start - time.perf_counter()))
    cpu0, driver0, t0 = bot.cpu_ms(), own_cpu_ms(), time.perf_counter()
    calls0 = api.calls
    offered0 = pacer.offered if pacer is not None else 0
    profiler = start_profiler(bot, profile, seconds)
    await asyncio.sleep(max(0.0, stop_at - time.perf_counter()))
    cpu1, driver1, t1 = bot.cpu_ms(), own_cpu_ms(), time.perf_counter()
    calls = {name: n - calls0.get(name, 0) for name, n in api.calls.items()}
    offered = pacer.offered - offered0 if pacer is not None else None
    if profiler is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            await asyncio.to_thread(profiler.wait, 30)
    if pacer is not None:
        # Let the users still waiting for a permit go on, so they see that time is up.
        await pacer.stop()
        for _ in players:
            pacer.permits.put_nowait(time.perf_counter())
    await asyncio.gather(*tasks)
    await wait_drained(api)
    latencies = stats.window(t0, t1)
    return Phase(
        updates=len(latencies),
        answers=stats.answers_in(t0, t1),
        seconds=t1 - t0,
        latencies=latencies,
        cpu_ms=cpu1 - cpu0,
        driver_cpu_ms=driver1 - driver0,
        errors=stats.errors - errors0,
        error_kinds={k: v - kinds0.get(k, 0) for k, v in stats.error_kinds.items()},
        rounds=stats.rounds_finished - rounds0,
        offered=offered,
        calls={name: n for name, n in calls.items() if n},
    )


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="samen-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        database_url = args.database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        database = "postgresql" if database_url.startswith("postgresql") else "sqlite"
        ours, baseline = await run_bots(args, workdir, database_url)
    lost = (ours.answers_sent - ours.answers_stored) if ours.answers_stored is not None else None
    result: dict[str, Any] = {
        "benchmark": "e2e",
        "users": args.users,
        "seconds": args.seconds,
        "rate": args.rate,
        "database": database,
        "rate_limiter": args.rate_limiter,
        **ours.load.summary(),
        "errors": ours.errors,
        "startup_s": round(ours.startup_s, 2),
        "rss_mb": round(ours.rss_kb / 1024, 1),
        "answers_sent": ours.answers_sent,
        "answers_stored": ours.answers_stored,
        "lost": lost,
    }
    if baseline is None:
        result.update(baseline_cpu_ms_per_update=None, cpu_ratio=None)
        return result
    # One ratio per alternation (ours, then the baseline, at the same rate): the machine's
    # load drifts between minutes, so each pair is compared within itself and the median kept.
    ours_cpu = [p.cpu_per_update for p in ours.cpu_phases]
    base_cpu = [p.cpu_per_update for p in baseline.cpu_phases]
    ratios = [ratio(o, b) for o, b in zip(ours_cpu, base_cpu, strict=True)]
    result.update(
        baseline_updates_per_s=round(baseline.load.updates_per_s, 1),
        baseline_p50_ms=baseline.load.ms(50),
        baseline_p99_ms=baseline.load.ms(99),
        baseline_errors=baseline.errors,
        baseline_rate_limiter=args.rate_limiter if args.baseline_rate_limiter else "none",
        baseline_request=args.baseline_request,
        cpu_rate=ours.cpu_rate if ours.cpu_rate is not None else args.rate,
        cpu_users=args.cpu_users if ours.cpu_rate is not None else args.users,
        cpu_repeats=len(ratios),
        cpu_ms_per_update_at_rate=round(statistics.median(ours_cpu), 3),
        baseline_cpu_ms_per_update=round(statistics.median(base_cpu), 3),
        cpu_ratio=statistics.median([r for r in ratios if r is not None] or [0.0]) or None,
        cpu_ratios=ratios,
        closed_loop_cpu_ratio=ratio(ours.load.cpu_per_update, baseline.load.cpu_per_update)
        if args.rate is None
        else None,
    )
    return result


async def run_bots(
    args: argparse.Namespace, workdir: Path, database_url: str
) -> tuple[RunResult, RunResult | None]:
    """Phase 1 on our bot, then on the baseline; then phase 2 on each in turn, ``--cpu-repeats``
    times, both bots staying up in between (each against its own server)."""
    async with contextlib.AsyncExitStack() as stack:
        ours = await stack.enter_async_context(running("ours", args, workdir, database_url))
        ours_load = await load_phase(ours, args)
        ours_rss = ours.bot.rss_kb()
        if args.no_baseline:
            result = await finish(ours, ours_load, [], ours_rss, None, database_url)
            report(result)
            return result, None
        base = await stack.enter_async_context(running("baseline", args, workdir, database_url))
        base_load = await load_phase(base, args)
        base_rss = base.bot.rss_kb()
        cpu_rate = None
        ours_rates: list[Phase] = []
        base_rates: list[Phase] = []
        if args.rate is None:  # else phase 1 already ran at a fixed rate
            # Phase 2 needs a rate both bots sustain: ours (the slower one) sets it.
            cpu_rate = args.cpu_rate or max(2.0, round(ours_load.updates_per_s / 2))
            for turn in range(args.cpu_repeats):
                ours_rates.append(await rate_phase(ours, args, cpu_rate, turn))
                base_rates.append(await rate_phase(base, args, cpu_rate, turn))
        ours_result = await finish(ours, ours_load, ours_rates, ours_rss, cpu_rate, database_url)
        base_result = await finish(base, base_load, base_rates, base_rss, cpu_rate, database_url)
    report(ours_result)
    report(base_result)
    return ours_result, base_result


def ratio(ours: float, baseline: float) -> float | None:
    return round(ours / baseline, 2) if baseline else None


def start_profiler(
    bot: BotProcess, directory: Path | None, seconds: float
) -> subprocess.Popen[bytes] | None:
    """Sample the bot with py-spy (collapsed stacks in DIRECTORY/<kind>.txt) during the window;
    ``--gil`` keeps only samples that hold the GIL, i.e. Python CPU time.

    py-spy is not a project dependency: ``pip install py-spy`` into the venv to use it."""
    if directory is None:
        return None
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    directory.mkdir(parents=True, exist_ok=True)
    output = directory / f"{bot.kind}.txt"
    command = [spy, "record", "--pid", str(bot.pid), "--duration", str(int(seconds))]
    command += ["--rate", "200", "--format", "raw", "--output", str(output)]
    command += ["--nonblocking", "--gil"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def report(result: RunResult) -> None:
    """Human lines per bot on stderr; the JSON line on stdout stays last."""
    phases = [("load", result.load)]
    phases += [(f"at-rate {turn + 1}", p) for turn, p in enumerate(result.at_rate)]
    for name, measured in phases:
        line = " ".join(f"{key}={value}" for key, value in measured.summary().items())
        if measured.error_kinds:
            line += f" error_kinds={measured.error_kinds}"
        line += f" calls={measured.calls}"
        print(f"[{result.kind} {name}] {line}", file=sys.stderr, flush=True)
    print(
        f"[{result.kind}] startup_s={result.startup_s:.2f} rss_mb={result.rss_kb / 1024:.1f} "
        f"log_errors={result.log_errors}",
        file=sys.stderr,
        flush=True,
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.e2e", description=__doc__.split("\n", 1)[0]
    )
    parser.add_argument("--users", type=int, default=100, help="simultaneous participants")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured load per bot")
    parser.add_argument("--warmup", type=float, default=3.0, help="load before measuring")
    parser.add_argument(
        "--rate", type=float, default=None, help="offered updates/s in total (open loop)"
    )
    parser.add_argument(
        "--database-url", default=None, help="default: a fresh SQLite file in a temporary dir"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per reply")
    parser.add_argument(
        "--cpu-rate", type=float, default=None, help="phase 2 rate (default: half of ours)"
    )
    parser.add_argument("--cpu-users", type=int, default=10, help="phase 2 participants")
    parser.add_argument("--cpu-seconds", type=float, default=15.0, help="phase 2 duration")
    parser.add_argument(
        "--cpu-repeats",
        type=int,
        default=3,
        help="phase 2 alternations (ours, baseline); cpu_ratio is the median of their ratios",
    )
    parser.add_argument("--no-baseline", action="store_true", help="only our bot")
    parser.add_argument(
        "--rate-limiter",
        choices=["retry-only", "shipped"],
        default="retry-only",
        help="retry-only (default): PTB's AIORateLimiter without its proactive 30 msg/s "
        "throttle, to measure capacity; shipped: as configured in bot/telegram/app.py",
    )
    parser.add_argument(
        "--baseline-rate-limiter",
        action="store_true",
        help="give the baseline the same AIORateLimiter as ours",
    )
    parser.add_argument(
        "--baseline-request",
        choices=["httpx", "aiohttp"],
        default="httpx",
        help="the baseline's HTTP client: httpx (default, PTB's own) or aiohttp (ours, for a "
        "like-for-like figure of what lies above the HTTP client)",
    )
    add_bot_patch_option(parser)
    parser.add_argument(
        "--profile", type=Path, default=None, help="py-spy both bots into this directory"
    )
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep the bots' logs and SQLite file here"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        emit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
