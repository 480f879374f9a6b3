"""Building blocks of the reliability tests.

* :class:`Harness`: the real PTB ``Application`` in this process, polling a ``LocalBotApi``.
* :class:`BotProcess`: the real bot (``samenspraak run``) as a child process that can be killed
  with SIGKILL and restarted from a warm standby.
* :class:`TcpProxy`: a TCP proxy between the bot and PostgreSQL that the test can cut.
* :class:`Plan`: a typed answer for every question of a consultation, with the value the
  database must hold for it, and the order in which the questions come.
* small probes of the database (stored answers, processed update ids) and of the chat.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings, load_settings
from bot.engine import Engine, Finished, NextQuestion, Reply
from bot.engine.runner import parse_answer
from bot.engine.schema import (
    ChoiceStep,
    MultiChoiceStep,
    Question,
    ScaleStep,
    TextStep,
    YesNoStep,
)
from bot.runtime import Runtime
from bot.telegram.app import build_application, polling
from bot.telegram.polling import polling_of
from storage import repo
from storage.db import make_engine, make_sessionmaker
from storage.models import Answer, Campaign, ConversationRow, Participant, ProcessedUpdate
from tests.conftest import ROOT
from tgstub import BotMessage, LocalBotApi, SimUser

TOKEN = "123456:RELIABILITY-TEST-abcdefghij"
BOT_USERNAME = "samenspraak_test_bot"
PEPPER = "reliability-pepper-" + "x" * 32
CONSULTATION = "armoede.stap-3.jongeren"
SORRY = "ging iets mis"  # the error handler's one short message (bot.telegram.app.on_error)

Json = dict[str, Any]
AnyApplication = Any


# --- waiting ----------------------------------------------------------------------------------


async def until(
    predicate: Callable[[], Awaitable[bool] | bool], what: str, timeout: float = 20.0
) -> None:
    """Poll ``predicate`` (sync or async) every 20 ms until it holds; fail after ``timeout``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = predicate()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise TimeoutError(f"waited {timeout}s for {what}")
        await asyncio.sleep(0.02)


# --- the chat ---------------------------------------------------------------------------------


def is_question(message: BotMessage) -> bool:
    text = message.text or ""
    return "Vraag " in text and " van " in text


def is_thanks(message: BotMessage) -> bool:
    return "Klaar! Dank" in (message.text or "")


def ends_turn(message: BotMessage) -> bool:
    return is_question(message) or is_thanks(message)


async def next_turn(user: SimUser, mark: int, timeout: float = 20.0) -> list[BotMessage]:
    """Wait for the message that ends the bot's turn (a question or the thanks) after ``mark``."""
    await user.wait_until(lambda u: any(ends_turn(m) for m in u.messages()[mark:]), timeout)
    return user.messages()[mark:]


def sorry_count(messages: list[BotMessage]) -> int:
    return sum(SORRY in (m.text or "") for m in messages)


async def join(user: SimUser, token: str) -> BotMessage:
    """Open the campaign link, tap 'Ik doe mee'; return the first question."""
    mark = user.mark()
    await user.send(f"/start {token}")
    (notice,) = await user.wait_new(mark, 1)
    mark = user.mark()
    await user.click(notice, "Ik doe mee")
    messages = await next_turn(user, mark)
    return [m for m in messages if is_question(m)][-1]


# --- the plan of answers ----------------------------------------------------------------------


SAFE_TEXTS = (
    "vrienden gaan minder vaak mee naar de stad",
    "dat mijn ouders stress hebben over rekeningen",
    "het jongerenwerk is gratis en dichtbij",
    "meer gratis sport in de wijk",
    "een tweedehands winkel voor schoolspullen",
    "eten op school zou echt helpen",
)


@dataclass
class Plan:
    """What one user types at each question, what the database must then hold, and the order
    of the questions this produces (branches follow the typed answers)."""

    engine: Engine
    flow_id: str
    typed: dict[str, str] = field(default_factory=dict)
    expected: dict[str, list[object]] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, engine: Engine, flow_id: str = CONSULTATION, variant: int = 0) -> Plan:
        plan = cls(engine, flow_id)
        conversation, outcome = engine.start(flow_id)
        for _ in range(100):
            if isinstance(outcome, Finished):
                return plan
            assert isinstance(outcome, NextQuestion)
            step = outcome.question
            assert step.id is not None
            typed = _typed_answer(step, variant + len(plan.path))
            value = parse_answer(step, Reply(typed))
            assert not hasattr(value, "reason"), f"plan answer {typed!r} invalid at {step.id}"
            plan.typed[step.id] = typed
            values: list[object] = (
                list(sorted(map(str, value))) if isinstance(value, list) else [value]
            )
            plan.expected[step.id] = values
            plan.path.append(step.id)
            outcome = engine.advance(conversation, Reply(typed))  # type: ignore[assignment]
        raise AssertionError("the flow did not finish within 100 answers")

    def question_id(self, message: BotMessage) -> str:
        """Which question of the flow ``message`` asks (by its text)."""
        text = message.text or ""
        flow = self.engine.flow(self.flow_id)
        found = [s.id for s in flow.steps if s.id in self.typed and s.text in text]
        assert len(found) == 1, f"cannot tell the question of {text!r}: {found}"
        assert found[0] is not None
        return found[0]

    def next_unanswered(self, stored: dict[str, list[object]]) -> str | None:
        """The first question on the path without a stored answer (None: all answered)."""
        for question_id in self.path:
            if question_id not in stored:
                return question_id
        return None

    def first(self, n: int) -> dict[str, list[object]]:
        """What the database must hold after the first ``n`` answers."""
        return {q: self.expected[q] for q in self.path[:n]}


def _typed_answer(step: Question, n: int) -> str:
    if isinstance(step, YesNoStep):
        return "ja"  # takes the longest branch
    if isinstance(step, MultiChoiceStep):
        # Two options that may be ticked together ("Niets hiervan" is exclusive).
        numbers = [i + 1 for i, option in enumerate(step.options) if not option.exclusive]
        first, second = numbers[n % len(numbers)], numbers[(n + 2) % len(numbers)]
        return f"{first}, {second}" if first != second else str(first)
    if isinstance(step, ChoiceStep):
        return str(n % len(step.options) + 1)
    if isinstance(step, ScaleStep):
        return str(step.min + n % (step.max - step.min + 1))
    assert isinstance(step, TextStep)
    return SAFE_TEXTS[n % len(SAFE_TEXTS)]


# --- database probes --------------------------------------------------------------------------


async def create_campaign(
    sessions: async_sessionmaker[AsyncSession],
    audience: str = "jongeren",
    step: str = "stap-3",
    template: str = "armoede",
) -> tuple[str, str]:
    """A werkgroep with one open campaign; returns (link token, campaign id)."""
    token = repo.new_token()
    async with sessions.begin() as session:
        werkgroep, _, _ = await repo.create_werkgroep(session, "Velsen", template)
        campaign = Campaign(
            werkgroep_id=werkgroep.id,
            audience=audience,
            step_key=step,
            flow_id=f"{template}.{step}.{audience}",
            token_hash=repo.hash_token(token),
        )
        session.add(campaign)
        await session.flush()
        return token, campaign.id


async def stored_answers(
    sessions: async_sessionmaker[AsyncSession], campaign_id: str
) -> dict[str, list[object]]:
    """Every stored answer of a campaign, per question: a sorted list of values (one item for
    a single answer, so a duplicated answer shows as two)."""
    async with sessions() as session:
        rows = (
            await session.scalars(select(Answer).where(Answer.campaign_id == campaign_id))
        ).all()
    result: dict[str, list[object]] = {}
    for row in rows:
        value: object = row.value_option
        if row.value_number is not None:
            value = row.value_number
        elif row.value_text is not None:
            value = row.value_text
        result.setdefault(row.question_id, []).append(value)
    return {q: sorted(v, key=str) for q, v in result.items()}


async def processed(sessions: async_sessionmaker[AsyncSession], update_id: int) -> bool:
    """Whether the transaction that handled ``update_id`` committed."""
    async with sessions() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(ProcessedUpdate)
            .where(ProcessedUpdate.update_id == update_id)
        )
    return bool(found)


async def count_rows(sessions: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def participant_finished(
    sessions: async_sessionmaker[AsyncSession], campaign_id: str
) -> bool:
    async with sessions() as session:
        participant = await session.scalar(
            select(Participant).where(Participant.campaign_id == campaign_id)
        )
        if participant is None:
            return False
        open_rows = await session.scalar(
            select(func.count())
            .select_from(ConversationRow)
            .where(
                ConversationRow.participant_id == participant.id,
                ConversationRow.finished.is_(False),
            )
        )
    return participant.completed and not open_rows


def sqlite_path(url: str) -> Path:
    return Path(url.split(":///", 1)[1].split("?", 1)[0])


@contextmanager
def sqlite_write_lock(url: str) -> Iterator[None]:
    """Another connection holds ``BEGIN EXCLUSIVE`` on the SQLite file while the block runs."""
    connection = sqlite3.connect(sqlite_path(url), timeout=10, isolation_level=None)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


def was_fetched(api: LocalBotApi, update_id: int) -> bool:
    """Whether the bot has fetched ``update_id``: handed out by getUpdates (it stays pending
    until the bot confirms it, which it does only once the update was handled) or gone."""
    entries = {entry.update_id: entry for entry in api.state.queue.entries()}
    return update_id not in entries or entries[update_id].handed_out


def pending_update_ids(api: LocalBotApi) -> set[int]:
    """Update ids the local Bot API still holds (not yet confirmed by the bot)."""
    return {entry.update_id for entry in api.state.queue.entries()}


# --- the bot in this process ------------------------------------------------------------------


@dataclass
class Harness:
    """The real Application in this process; ``sessions`` is the test's own view of the
    database (direct, even when the bot goes through a proxy)."""

    api: LocalBotApi
    settings: Settings
    database: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    runtime: Runtime | None = None
    application: AnyApplication = None
    _stack: AsyncExitStack | None = None

    async def start(self) -> None:
        self.runtime = Runtime.build(self.settings)
        self.application = build_application(self.runtime)
        self._stack = AsyncExitStack()
        await self._stack.enter_async_context(polling(self.application))

    async def stop(self) -> None:
        if self._stack is not None:
            stack, self._stack = self._stack, None
            await stack.aclose()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def campaign(self, audience: str = "jongeren") -> tuple[str, str]:
        return await create_campaign(self.sessions, audience)

    @property
    def running(self) -> bool:
        app = self.application
        if app is None or not app.running:
            return False
        poller = polling_of(app)
        return poller is not None and poller.running


@asynccontextmanager
async def open_harness(
    api: LocalBotApi,
    tmp_path: Path,
    url: str,
    flows_dir: Path,
    *,
    bot_url: str | None = None,
    start: bool = True,
    **overrides: object,
) -> AsyncIterator[Harness]:
    """A harness on a migrated database ``url``; the bot may reach it at ``bot_url`` instead."""
    settings = load_settings(
        telegram_token=TOKEN,
        telegram_api_url=api.base_url,
        telegram_file_url=api.base_file_url,
        data_dir=tmp_path / "data",
        database_url=bot_url or url,
        pepper=PEPPER,
        bot_username=BOT_USERNAME,
        flows_dir=flows_dir,
        **overrides,
    )
    database = make_engine(url)
    harness = Harness(api, settings, database, make_sessionmaker(database))
    try:
        if start:
            await harness.start()
        yield harness
    finally:
        await harness.stop()
        await database.dispose()


# --- the bot as a child process ---------------------------------------------------------------


class BotProcess:
    """``samenspraak run`` in child processes, forked by ``tests/reliability/botproc.py``.

    ``start()`` forks a fresh bot and waits until it polls; ``kill()`` sends it SIGKILL.
    """

    def __init__(
        self, api: LocalBotApi, env: dict[str, str], cwd: Path, args: tuple[str, ...] = ()
    ) -> None:
        self.api = api
        self.env = env
        self.cwd = cwd
        self.args = args  # of `samenspraak run`, e.g. --webhook …
        self.log = cwd / "bot.log"
        self.zygote: asyncio.subprocess.Process | None = None
        self.pid: int | None = None
        self.starts = 0

    async def _zygote(self) -> asyncio.subprocess.Process:
        if self.zygote is None:
            with self.log.open("ab") as log:
                self.zygote = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "tests.reliability.botproc",
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=log,
                    env=self.env,
                    cwd=self.cwd,
                )
        return self.zygote

    async def start(self) -> None:
        """Fork a fresh bot process and wait until it polls for updates (or set its webhook)."""
        assert self.pid is None, "the previous bot process is still running"
        zygote = await self._zygote()
        assert zygote.stdin is not None and zygote.stdout is not None
        ready = "setwebhook" if "--webhook" in self.args else "getupdates"
        polls = self.api.calls.get(ready, 0)
        zygote.stdin.write(" ".join(("go", *self.args)).encode() + b"\n")
        await zygote.stdin.drain()
        line = await asyncio.wait_for(zygote.stdout.readline(), 60)
        if not line:
            raise AssertionError(f"the zygote ended:\n{self.log_tail()}")
        pid = self.pid = int(line)
        await until(
            lambda: self.api.calls.get(ready, 0) > polls or not alive(pid),
            "the bot process to poll",
            timeout=60,
        )
        if not alive(pid):
            self.pid = None
            raise AssertionError(f"the bot process ended:\n{self.log_tail()}")
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL, synchronously: nothing of this event loop runs before the bot is gone."""
        assert self.pid is not None
        os.kill(self.pid, signal.SIGKILL)

    async def wait_dead(self) -> None:
        pid = self.pid
        assert pid is not None
        await until(lambda: not alive(pid), "the killed bot process to end")
        self.pid = None

    async def close(self) -> None:
        if self.pid is not None and alive(self.pid):
            self.kill()
            await self.wait_dead()
        zygote, self.zygote = self.zygote, None
        if zygote is not None and zygote.stdin is not None:
            zygote.stdin.close()
            try:
                await asyncio.wait_for(zygote.wait(), 10)
            except TimeoutError:
                zygote.kill()
                await zygote.wait()

    def log_tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def child_env(api: LocalBotApi, url: str, tmp_path: Path, flows_dir: Path) -> dict[str, str]:
    """The environment of ``samenspraak run`` against the local Bot API (no other settings)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMENSPRAAK_")}
    env.update(
        SAMENSPRAAK_TELEGRAM_TOKEN=TOKEN,
        SAMENSPRAAK_TELEGRAM_API_URL=api.base_url,
        SAMENSPRAAK_TELEGRAM_FILE_URL=api.base_file_url,
        SAMENSPRAAK_DATABASE_URL=url,
        SAMENSPRAAK_DATA_DIR=str(tmp_path / "data"),
        SAMENSPRAAK_PEPPER=PEPPER,
        SAMENSPRAAK_BOT_USERNAME=BOT_USERNAME,
        SAMENSPRAAK_FLOWS_DIR=str(flows_dir),
        PTB_TIMEDELTA="true",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    return env


# --- a TCP proxy that can cut the database off -------------------------------------------------


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target. ``cut()`` drops every open connection and makes
    new ones fail at once (accepted, then reset); ``restore()`` forwards again. With ``trigger``
    set, the cut happens when the client sends those bytes, before they reach the server."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.cut_off = False
        # Cut everything as soon as the client sends these bytes (mid-transaction outage).
        self.trigger: bytes | None = None
        self.port = 0
        self._server: asyncio.Server | None = None
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()
        self.cut()
        await self._server.wait_closed()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)

    def cut(self) -> None:
        self.cut_off = True
        for client, upstream in list(self._links):
            client.transport.abort()
            upstream.transport.abort()

    def restore(self) -> None:
        self.cut_off = False

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            if self.cut_off:
                writer.transport.abort()
                return
            try:
                up_reader, up_writer = await asyncio.open_connection(*self.target)
            except OSError:
                writer.transport.abort()
                return
            link = (writer, up_writer)
            self._links.add(link)
            try:
                await asyncio.gather(
                    self._pipe(reader, up_writer, watch=True),
                    self._pipe(up_reader, writer),
                    return_exceptions=True,
                )
            finally:
                self._links.discard(link)
                up_writer.transport.abort()
        finally:
            writer.transport.abort()
            self._tasks.discard(task)

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, watch: bool = False
    ) -> None:
        try:
            while data := await reader.read(65536):
                if watch and self.trigger is not None and self.trigger in data:
                    self.trigger = None
                    self.cut()
                    return
                writer.write(data)
                await writer.drain()
        finally:
            writer.transport.abort()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
