"""Shared pieces of the end-to-end benchmarks: the bot processes, the database, the players.

The local Bot API server runs inside the benchmark process (``LocalBotApi``) and the simulated
participants act on its state directly (the in-process play-user API), so no HTTP is spent on
the driver side. The bot under test always runs as a separate process, so its CPU time and RSS
can be read from ``/proc/<pid>``:

- CPU: ``utime + stime`` from ``/proc/<pid>/stat`` (all threads of the process, e.g. the
  aiosqlite worker), in clock ticks of ``SC_CLK_TCK`` (10 ms on Linux), converted to ms.
- Memory: ``VmRSS`` from ``/proc/<pid>/status``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

from tgstub import LocalBotApi
from tgstub.chats import ChatRecord, StoredMessage

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-TOKEN-abcdefghijklmnop"
BOT_USERNAME = "samenspraak_bench_bot"
PEPPER = "bench-pepper-" + "x" * 32
TEXT_ANSWER = "Meer plekken om te sporten in de buurt"
CLK_TCK = os.sysconf("SC_CLK_TCK")
ERROR_NOTICE = "Sorry, er ging iets mis"

BotKind = Literal["ours", "baseline"]
TurnKind = Literal["start", "consent", "toggle", "answer", "probe"]


# --- the bot process --------------------------------------------------------------------------


def cpu_ms(pid: int) -> float:
    """User + system CPU time of a live process (all its threads), in milliseconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / CLK_TCK


def proc_status(pid: int, field: str) -> int:
    """A number from ``/proc/<pid>/status`` (``VmRSS`` in kB, ``Threads``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for pid {pid}")


def rss_kb(pid: int) -> int:
    return proc_status(pid, "VmRSS")


def own_cpu_ms() -> float:
    times = os.times()
    return (times.user + times.system) * 1000.0


# Our bot is started as `samenspraak run` (the console script's `bot.cli.main`) through a short
# bootstrap, so the benchmark can (1) turn off the proactive 30 messages/s throttle of PTB's
# AIORateLimiter while keeping its 429 retry_after handling (`--rate-limiter retry-only`; the
# shipped setting caps the bot at ~15 answered updates/s by design), and (2) run extra patch
# files before the bot starts (`--bot-patch FILE`), to try a change without editing the bot.
BOOTSTRAP = """
import os, sys, runpy
if os.environ.get("BENCH_RATE_LIMITER") == "retry-only":
    import telegram.ext
    _init = telegram.ext.AIORateLimiter.__init__
    def __init__(self, *args, **kwargs):
        kwargs["overall_max_rate"] = 0
        _init(self, *args, **kwargs)
    telegram.ext.AIORateLimiter.__init__ = __init__
for path in filter(None, os.environ.get("BENCH_PATCHES", "").split(os.pathsep)):
    runpy.run_path(path, run_name="bench_patch")
from bot.cli import main
sys.argv = ["samenspraak", "run"]
main()
"""
RateLimiter = Literal["shipped", "retry-only"]


@dataclass
class BotProcess:
    kind: BotKind
    process: subprocess.Popen[bytes]
    log_path: Path
    started: float

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_ms(self) -> float:
        return cpu_ms(self.pid)

    def rss_kb(self) -> int:
        return rss_kb(self.pid)

    def threads(self) -> int:
        return proc_status(self.pid, "Threads")

    def check_alive(self) -> None:
        code = self.process.poll()
        if code is not None:
            raise RuntimeError(
                f"the {self.kind} bot exited with {code}; its log:\n{self.log_tail()}"
            )

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    async def logged(self, text: str, timeout: float) -> bool:
        """Whether ``text`` appears in the bot's log within ``timeout`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.check_alive()
            with contextlib.suppress(OSError):
                if text in self.log_path.read_text(errors="replace"):
                    return True
            await asyncio.sleep(0.2)
        return False

    def error_lines(self) -> int:
        """ERROR / Traceback lines the bot wrote to its log."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return 0
        return len(re.findall(r"\bERROR\b|^Traceback", text, flags=re.MULTILINE))

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGINT (PTB's run_polling shuts down cleanly on it), then SIGKILL if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return self.process.returncode


def add_bot_patch_option(parser: argparse.ArgumentParser) -> None:
    """``--bot-patch FILE`` (repeatable): Python run in our bot's process before it starts."""
    parser.add_argument(
        "--bot-patch",
        type=Path,
        action="append",
        default=[],
        help="a Python file run in our bot's process before it starts (experiments)",
    )


def start_bot(
    kind: BotKind,
    api: LocalBotApi,
    workdir: Path,
    database_url: str | None = None,
    extra_args: tuple[str, ...] = (),
    *,
    rate_limiter: RateLimiter = "shipped",
    patches: tuple[Path, ...] = (),
    python: str | None = None,
) -> BotProcess:
    """Start our bot (``samenspraak run``) or the bare PTB baseline against ``api``.

    ``python``: the interpreter to run our bot with (e.g. a wrapper that starts it under a
    profiler); default this one.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMENSPRAAK_")}
    env["PYTHONUNBUFFERED"] = "1"
    # The bot under test comes from this tree, not from wherever the venv's editable install
    # points (a git worktree shares the main checkout's .venv).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if kind == "ours":
        assert database_url is not None
        env.update(
            SAMENSPRAAK_TELEGRAM_TOKEN=api.token,
            SAMENSPRAAK_TELEGRAM_API_URL=api.base_url,
            SAMENSPRAAK_TELEGRAM_FILE_URL=api.base_file_url,
            SAMENSPRAAK_BOT_USERNAME=BOT_USERNAME,
            SAMENSPRAAK_DATA_DIR=str(workdir / "data"),
            SAMENSPRAAK_DATABASE_URL=database_url,
            SAMENSPRAAK_PEPPER=PEPPER,
            # No /healthz + /metrics server: it listens on a fixed port and benchmarks (and the
            # smoke test) may run several bots at once. The metrics themselves are still kept.
            SAMENSPRAAK_METRICS_PORT="0",
            BENCH_RATE_LIMITER=rate_limiter,
            BENCH_PATCHES=os.pathsep.join(str(p.resolve()) for p in patches),
        )
        command = [python or sys.executable, "-c", BOOTSTRAP, *extra_args]
    else:
        command = [
            sys.executable,
            str(ROOT / "benchmarks" / "baseline_bot.py"),
            "--api-url",
            api.base_url,
            "--file-url",
            api.base_file_url,
            "--token",
            api.token,
            *extra_args,
        ]
    log_path = workdir / f"{kind}-bot.log"
    log = log_path.open("wb")
    started = time.perf_counter()
    # cwd is the scratch directory, so a developer's .env in the repository is not picked up.
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    return BotProcess(kind, process, log_path, started)


# --- the database (our bot only) --------------------------------------------------------------


async def prepare_database(url: str) -> None:
    """A migrated, empty database: PostgreSQL's public schema is dropped first."""
    from sqlalchemy import text

    from storage.db import make_engine, upgrade_async

    if not url.startswith("sqlite"):
        await _ensure_postgres_database(url)
        engine = make_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    await upgrade_async(url)


async def _ensure_postgres_database(url: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database
    try:
        connection = await asyncpg.connect(
            user=parsed.username,
            password=parsed.password,
            host=parsed.host,
            port=parsed.port,
            database=name,
        )
    except asyncpg.InvalidCatalogNameError:
        pass
    else:
        await connection.close()
        return
    admin = await asyncpg.connect(
        user=parsed.username,
        password=parsed.password,
        host=parsed.host,
        port=parsed.port,
        database="postgres",
    )
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def create_campaign(url: str, audience: str = "jongeren") -> str:
    """One werkgroep with an open armoede stap-3 campaign; returns the campaign's link token."""
    from storage import repo
    from storage.db import make_engine, make_sessionmaker
    from storage.models import Campaign

    engine = make_engine(url)
    try:
        sessions = make_sessionmaker(engine)
        token = repo.new_token()
        async with sessions.begin() as session:
            werkgroep, _, _ = await repo.create_werkgroep(session, "Benchstad", "armoede")
            session.add(
                Campaign(
                    werkgroep_id=werkgroep.id,
                    audience=audience,
                    step_key="stap-3",
                    flow_id=f"armoede.stap-3.{audience}",
                    token_hash=repo.hash_token(token),
                )
            )
        return token
    finally:
        await engine.dispose()


async def count_answers(url: str) -> int:
    from sqlalchemy import func, select

    from storage.db import make_engine
    from storage.models import Answer

    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(select(func.count()).select_from(Answer)) or 0)
    finally:
        await engine.dispose()


# --- players ----------------------------------------------------------------------------------


class TurnFailed(Exception):
    """The bot did not end a turn as expected (time-out or an error notice)."""


@dataclass
class Stats:
    """What the players saw. A turn = one update sent + the bot's reply that ends it."""

    latencies: list[tuple[TurnKind, float, float]] = field(default_factory=list)
    errors: int = 0
    answers_sent: int = 0
    rounds_finished: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def record(self, kind: TurnKind, started: float, ended: float) -> None:
        self.latencies.append((kind, ended - started, ended))

    def error(self, what: str) -> None:
        self.errors += 1
        self.error_kinds[what] = self.error_kinds.get(what, 0) + 1

    def window(self, start: float, end: float) -> list[float]:
        """Latencies (s) of the turns that ended inside [start, end], probes left out."""
        return [lat for kind, lat, t in self.latencies if start <= t <= end and kind != "probe"]

    def answers_in(self, start: float, end: float) -> int:
        return sum(1 for kind, _, t in self.latencies if start <= t <= end and kind == "answer")


class Pacer:
    """Open-loop load: hands out ``rate`` send permits per second, on an absolute schedule
    (a late tick is caught up, so the offered load stays ``rate`` on average)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.permits: asyncio.Queue[float] = asyncio.Queue()
        self.offered = 0
        self._task: asyncio.Task[None] | None = None
        self._stopped = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """No more permits are needed after this: a user between two turns of one consultation
        (``/start`` and its consent) would otherwise wait for a permit that never comes."""
        self._stopped = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        interval = 1.0 / self.rate
        next_at = loop.time()
        while True:
            now = loop.time()
            while next_at <= now:
                self.permits.put_nowait(next_at)
                self.offered += 1
                next_at += interval
            await asyncio.sleep(next_at - now)

    async def acquire(self) -> None:
        if not self._stopped:
            await self.permits.get()


def _is_question(text: str) -> bool:
    return "Vraag " in text and " van " in text


def _ends_turn(stored: StoredMessage) -> bool:
    text = stored.payload.get("text") or ""
    return _is_question(text) or "Klaar!" in text or ERROR_NOTICE in text


def _buttons(stored: StoredMessage) -> list[str]:
    markup = stored.payload.get("reply_markup") or {}
    return [
        button.get("callback_data", "")
        for row in markup.get("inline_keyboard", [])
        for button in row
        if button.get("callback_data")
    ]


Until = Callable[[ChatRecord, int], StoredMessage | None]


def next_turn_end(chat: ChatRecord, mark: int) -> StoredMessage | None:
    """The first bot message after ``mark`` that ends a turn: a question, 'Klaar!', an error."""
    return next((s for s in chat.bot_messages[mark:] if _ends_turn(s)), None)


def consent_notice(chat: ChatRecord, mark: int) -> StoredMessage | None:
    """The privacy notice (it carries the 'Ik doe mee' button), or an error notice."""
    for stored in chat.bot_messages[mark:]:
        if any(data.startswith("j:") for data in _buttons(stored)):
            return stored
        if ERROR_NOTICE in (stored.payload.get("text") or ""):
            return stored
    return None


class Player:
    """One simulated participant at a time, in its own private chat: /start <token>, 'Ik doe
    mee', then every question (first option; for multiple choice an option, then 'Klaar';
    text questions get a typed answer) until 'Klaar!'."""

    def __init__(
        self,
        api: LocalBotApi,
        token: str,
        stats: Stats,
        *,
        pacer: Pacer | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.api = api
        self.token = token
        self.stats = stats
        self.pacer = pacer
        self.timeout = timeout

    async def _turn(
        self,
        kind: TurnKind,
        chat: ChatRecord,
        act: Callable[[], Awaitable[Any]],
        until: Until,
        edited: StoredMessage | None = None,
    ) -> StoredMessage:
        """Send one update and wait for the bot's message that ends the turn (``until``), or
        for an edit of ``edited`` (a multiple-choice toggle)."""
        if self.pacer is not None:
            await self.pacer.acquire()
        mark = len(chat.bot_messages)
        edits = len(edited.history) if edited is not None else 0
        started = time.perf_counter()
        await act()
        if kind == "answer":
            self.stats.answers_sent += 1
        found: list[StoredMessage] = []

        def check() -> bool:
            if edited is not None and len(edited.history) > edits:
                found.append(edited)
            else:
                message = until(chat, mark)
                if message is not None:
                    found.append(message)
            return bool(found)

        ok = await chat.signal.wait_until(check, self.timeout)
        ended = time.perf_counter()
        if not ok:
            raise TurnFailed(f"timeout:{kind}")
        if ERROR_NOTICE in (found[0].payload.get("text") or ""):
            raise TurnFailed(f"error-notice:{kind}")
        self.stats.record(kind, started, ended)
        return found[0]

    async def play(
        self, user_id: int, stop_at: float | None = None, answers: int | None = None
    ) -> bool:
        """One consultation as a new user: to the end, or until ``stop_at`` (checked between
        turns), or (``answers``) that many single-update answers, stopping before a multiple
        choice, with the conversation left open. True when it reached 'Klaar!'."""
        user = self.api.user(user_id, first_name="Bench")
        chat = self.api.state.chats.get(user_id)
        assert chat is not None

        def over() -> bool:
            return stop_at is not None and time.perf_counter() >= stop_at

        message = await self._turn(
            "start", chat, partial(user.send, f"/start {self.token}"), consent_notice
        )
        consent = next(data for data in _buttons(message) if data.startswith("j:"))
        message = await self._turn(
            "consent", chat, partial(user.press, message.message_id, consent), next_turn_end
        )
        answered = 0
        while not over() and (answers is None or answered < answers):
            if "Klaar!" in (message.payload.get("text") or ""):
                self.stats.rounds_finished += 1
                return True
            question = message
            data = _buttons(question)
            options = [d for d in data if d.startswith("o:")]
            finish = [d for d in data if d.startswith("d:")]
            if finish:
                if answers is not None:
                    break
                pick = partial(user.press, question.message_id, options[0])
                await self._turn("toggle", chat, pick, next_turn_end, edited=question)
                if over():
                    break
                act = partial(user.press, question.message_id, finish[0])
            elif options:
                act = partial(user.press, question.message_id, options[0])
            else:
                act = partial(user.send, TEXT_ANSWER)
            message = await self._turn("answer", chat, act, next_turn_end)
            answered += 1
        return False

    async def play_until(self, ids: itertools.count[int], stop_at: float) -> None:
        """Play consultations one after another (each with a fresh user id) until ``stop_at``."""
        while time.perf_counter() < stop_at:
            try:
                await self.play(next(ids), stop_at)
            except TurnFailed as failure:
                self.stats.error(str(failure))


async def probe(api: LocalBotApi, user_id: int, timeout: float = 60.0) -> float:
    """Queue a plain /start and wait for any reply; returns the seconds it took."""
    user = api.user(user_id, first_name="Probe")
    chat = api.state.chats.get(user_id)
    assert chat is not None
    mark = len(chat.bot_messages)
    started = time.perf_counter()
    await user.send("/start")
    if not await chat.signal.wait_until(lambda: len(chat.bot_messages) > mark, timeout):
        raise TimeoutError(f"the bot did not answer /start within {timeout}s")
    return time.perf_counter() - started


async def wait_drained(api: LocalBotApi, timeout: float = 30.0) -> None:
    """Until the bot has fetched every queued update (and a moment to finish the last one)."""
    deadline = time.perf_counter() + timeout
    while api.pending_updates and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def emit(result: dict[str, Any]) -> None:
    """The one machine-readable line, printed last."""
    print(json.dumps(result, sort_keys=False), flush=True)
