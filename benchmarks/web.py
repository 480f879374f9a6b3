"""The web channel under load: answers per second, and answer latency at a fixed rate.

    python -m benchmarks.web [--seconds 10] [--rate 50] [--concurrency 8] [--database-url URL]
                             [--profile FILE]

Starts ``samenspraak web`` as its own process (SQLite in a temporary directory unless a
database URL is given), opens one campaign, and plays participants over HTTP exactly as a
browser without JavaScript does (landing page, "Beantwoord hier", "Ik doe mee", then each
question: the first option, a multiple choice's first option and Klaar, or typed text).

1. Closed loop: ``--concurrency`` participants answer as fast as the server lets them.
2. Open loop: answer requests are fired at ``--rate`` per second whatever the server does, each
   by an idle participant (participants who finish start again with a new session, untimed).

Only the answer requests (``POST /s``) are timed. Every answer the server confirmed must be in
the database at the end (``lost``). The last line printed is one JSON object; the target is
``open_p99_ms`` ≤ 100 at 50 requests/s on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

PEPPER = "benchmark-web-pepper-" + "x" * 32
TEXT = "Meer plekken om gratis te sporten"
_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
_OPTION = re.compile(r'<button type="submit" name="b" value="(o:[^"]*)"([^>]*)>')
_PRESSED = re.compile(r'aria-pressed="(\w+)"')
_DONE_BUTTON = re.compile(r'<button type="submit" name="b" value="(d:[^"]*)"')
_CONSENT = re.compile(r'<button type="submit" name="b" value="(j:ja[^"]*)"')
_QUESTION = re.compile(r"Vraag \d+ van \d+")
_START = re.compile(r'<form method="post" action="(/j/[^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    stored: int = 0  # answers the server confirmed (a toggle stores none)


def _position(html: str) -> str:
    found = _QUESTION.search(html)
    return found.group(0) if found else ("done" if "Klaar! Dank je wel" in html else "")


def hidden(html: str) -> dict[str, str]:
    """The hidden fields of the question's forms (csrf, nonce, question token)."""
    return {name: unescape(value) for name, value in _HIDDEN.findall(html)}


class Participant:
    def __init__(self, http: aiohttp.ClientSession, token: str) -> None:
        self.http = http
        self.token = token
        self.page = ""
        self.busy = False

    async def join(self) -> None:
        self.http.cookie_jar.clear()
        async with self.http.get(f"/j/{self.token}") as response:
            landing = await response.text()
        action = _START.search(landing)
        assert action, "no start form on the landing page"
        async with self.http.post(action.group(1), data=hidden(landing)) as response:
            notice = await response.text()
        consent = _CONSENT.search(notice)
        assert consent, "no 'Ik doe mee' on the notice"
        data = {**hidden(notice), "b": unescape(consent.group(1))}
        async with self.http.post("/s", data=data) as response:
            self.page = await response.text()

    def finished(self) -> bool:
        return "Klaar! Dank je wel" in self.page

    def next_post(self) -> tuple[dict[str, str], bool]:
        """The form data of the next answer, and whether it stores an answer."""
        fields = hidden(self.page)
        options = _OPTION.findall(self.page)
        if options:
            value, attributes = options[0]
            found = _PRESSED.search(attributes)
            pressed = found.group(1) if found else ""
            if pressed == "true":
                done = _DONE_BUTTON.search(self.page)
                assert done
                return {**fields, "b": unescape(done.group(1))}, True
            return {**fields, "b": unescape(value)}, pressed == ""
        return {**fields, "t": TEXT}, True

    async def answer(self, stats: Stats) -> None:
        data, stores = self.next_post()
        started = time.perf_counter()
        try:
            async with self.http.post("/s", data=data) as response:
                page = await response.text()
                ok = response.status == 200
        except aiohttp.ClientError:
            ok, page = False, self.page
        stats.latencies.append((time.perf_counter() - started) * 1000)
        if not ok:
            stats.errors += 1
            if os.environ.get("BENCH_DEBUG"):
                print("error", response.status, data, self.page[-2500:], file=sys.stderr)
            return

        # Confirmed only when the page moved on: a post repeated after an error is answered
        # with the current question and must not be counted twice.
        moved = _position(page) != _position(self.page)
        self.page = page
        stats.stored += int(stores and moved)


def client(base: str) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        base,
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        connector=aiohttp.TCPConnector(limit=0),
        timeout=aiohttp.ClientTimeout(total=30),
    )


async def closed_loop(base: str, token: str, concurrency: int, seconds: float) -> Stats:
    stats = Stats()
    deadline = time.perf_counter() + seconds

    async def one() -> None:
        async with client(base) as http:
            participant = Participant(http, token)
            await participant.join()
            while time.perf_counter() < deadline:
                if participant.finished():
                    await participant.join()
                await participant.answer(stats)

    await asyncio.gather(*(one() for _ in range(concurrency)))
    return stats


async def open_loop(base: str, token: str, rate: float, seconds: float, pool: int) -> Stats:
    stats = Stats()
    sessions = [client(base) for _ in range(pool)]
    participants = [Participant(http, token) for http in sessions]
    await asyncio.gather(*(p.join() for p in participants))
    tasks: set[asyncio.Task[None]] = set()

    async def fire(participant: Participant) -> None:
        try:
            await participant.answer(stats)
            if participant.finished():
                await participant.join()
        finally:
            participant.busy = False

    start = time.perf_counter()
    sent = 0
    skipped = 0
    while (now := time.perf_counter()) - start < seconds:
        due = int((now - start) * rate) + 1
        while sent < due:
            idle = next((p for p in participants if not p.busy), None)
            if idle is None:
                skipped += 1  # every participant is waiting: the server is saturated
            else:
                idle.busy = True  # now, not when the task starts: it must not be picked twice
                task = asyncio.create_task(fire(idle))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            sent += 1
        await asyncio.sleep(max(0.0, start + sent / rate - time.perf_counter()))
    await asyncio.gather(*tasks)
    for http in sessions:
        await http.close()
    stats.errors += skipped
    return stats


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), so the server's cost per request can
    be read even when a shared machine makes the latencies noisy."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_profiler(pid: int, output: Path | None, seconds: float) -> subprocess.Popen[bytes] | None:
    """py-spy the server over both phases (collapsed stacks, GIL-holding samples only: Python
    CPU time). py-spy is not a project dependency: ``pip install py-spy`` into the venv."""
    if output is None:
        return None
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [spy, "record", "--pid", str(pid), "--duration", str(int(seconds + 1))]
    command += ["--rate", "200", "--format", "raw", "--output", str(output), "--nonblocking"]
    return subprocess.Popen(
        [*command, "--gil"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def prepare(url: str, data_dir: Path) -> tuple[str, object]:
    """Migrate the database and open one campaign; returns (token, runtime)."""
    from bot.config import load_settings
    from bot.runtime import Runtime
    from storage import repo
    from storage.models import Campaign

    settings = load_settings(database_url=url, pepper=PEPPER, data_dir=data_dir)
    runtime = Runtime.build(settings)
    await runtime.prepare(migrate=True)
    token = repo.new_token()
    async with runtime.sessions.begin() as session:
        werkgroep, _, _ = await repo.create_werkgroep(session, "Benchmark", "armoede")
        session.add(
            Campaign(
                werkgroep_id=werkgroep.id,
                audience="jongeren",
                step_key="stap-3",
                flow_id="armoede.stap-3.jongeren",
                token_hash=repo.hash_token(token),
            )
        )
    return token, runtime


async def stored_answers(runtime: object) -> int:
    from bot.runtime import Runtime
    from storage.models import Answer

    assert isinstance(runtime, Runtime)
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Answer)) or 0)


async def wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError("samenspraak web exited during start-up")
            try:
                async with http.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("samenspraak web did not become healthy")


async def main(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        data_dir = Path(tmp)
        url = args.database_url or f"sqlite+aiosqlite:///{data_dir / 'bench.db'}"
        token, runtime = await prepare(url, data_dir)
        port = free_port()
        env = {
            key: value for key, value in os.environ.items() if not key.startswith("SAMENSPRAAK_")
        }
        env.update(
            SAMENSPRAAK_DATABASE_URL=url,
            SAMENSPRAAK_PEPPER=PEPPER,
            SAMENSPRAAK_DATA_DIR=str(data_dir),
            SAMENSPRAAK_LOG_LEVEL="WARNING",
        )
        command = "from bot.cli import main; main()"
        server = subprocess.Popen(
            [sys.executable, "-c", command, "web", "--port", str(port), "--address-limit", "0"],
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            await wait_healthy(base, server)
            profiler = start_profiler(server.pid, args.profile, 2 * args.seconds)
            cpu_before = cpu_seconds(server.pid)
            closed_started = time.perf_counter()
            closed = await closed_loop(base, token, args.concurrency, args.seconds)
            closed_elapsed = time.perf_counter() - closed_started
            opened = await open_loop(base, token, args.rate, args.seconds, args.pool)
            cpu = cpu_seconds(server.pid) - cpu_before
            stored = await stored_answers(runtime)
            if profiler is not None:
                await asyncio.to_thread(profiler.wait, 30)
        finally:
            server.terminate()
            server.wait(timeout=30)
            from bot.runtime import Runtime

            assert isinstance(runtime, Runtime)
            await runtime.close()
    confirmed = closed.stored + opened.stored
    return {
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
        "seconds": args.seconds,
        "closed_concurrency": args.concurrency,
        "closed_answers_per_s": round(len(closed.latencies) / closed_elapsed, 1),
        "closed_p50_ms": round(statistics.median(closed.latencies or [0.0]), 1),
        "closed_p99_ms": round(percentile(closed.latencies, 0.99), 1),
        "open_rate_per_s": args.rate,
        "open_requests": len(opened.latencies),
        "open_p50_ms": round(statistics.median(opened.latencies or [0.0]), 1),
        "open_p99_ms": round(percentile(opened.latencies, 0.99), 1),
        "target_p99_ms": 100,
        # Includes the untimed joins (landing page, start, consent) of both phases.
        "server_cpu_ms_per_answer": round(
            1000 * cpu / max(1, len(closed.latencies) + len(opened.latencies)), 2
        ),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "errors": closed.errors + opened.errors,
        "lost": max(0, confirmed - stored),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--rate", type=float, default=50.0, help="open-loop requests per second")
    parser.add_argument("--concurrency", type=int, default=8, help="closed-loop participants")
    parser.add_argument("--pool", type=int, default=60, help="open-loop participants")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    parser.add_argument(
        "--profile", type=Path, default=None, help="py-spy the server into this file (raw)"
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    result = asyncio.run(main(parse_args()))
    print(json.dumps(result), flush=True)
