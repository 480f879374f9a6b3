"""Start-up: from spawning ``samenspraak run`` until a /start queued before it is answered.

    python -m benchmarks.startup [--runs 5] [--baseline] [--profile DIR]

Each run spawns our bot (all shipped flows, a migrated SQLite file, warm start-up caches: a
normal restart) against the local Bot API server with a plain /start already waiting, exactly as
``benchmarks.e2e`` and ``benchmarks.memory`` spawn it, and records the wall time to the first
reply and the CPU seconds the bot process had used by then (all threads, from ``/proc``): the
CPU figure moves much less than the wall time when the machine is shared. The first run fills
the caches and is not counted. ``--baseline`` measures the bare PTB bot the same way, in the
same run, so the ratio can be compared between machines. ``--profile DIR`` runs the bot under
``py-spy record`` (if installed) and writes one flame graph per run to DIR (``--profile-format
txt``: collapsed stacks, one line per stack with its sample count).

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import (
    BOT_USERNAME,
    TOKEN,
    BotKind,
    emit,
    prepare_database,
    start_bot,
)
from benchmarks.memory import first_reply
from tgstub import LocalBotApi

CLK_TCK = 100


def cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` so far (all threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


async def one_start(
    kind: BotKind, workdir: Path, database_url: str, python: str | None = None
) -> tuple[float, float]:
    """Wall seconds to the first reply, and the bot's CPU seconds by then."""
    async with LocalBotApi(token=TOKEN, bot_username=BOT_USERNAME) as api:
        url = database_url if kind == "ours" else None
        bot = start_bot(kind, api, workdir, url, rate_limiter="retry-only", python=python)
        try:
            wall = await first_reply(api, bot)
            cpu = cpu_seconds(bot.pid)
        finally:
            await asyncio.to_thread(bot.stop)
    return wall, cpu


async def profile_start(workdir: Path, database_url: str, out: Path) -> None:
    """One start of our bot under py-spy: ``out`` is an SVG flame graph, or collapsed stacks (.txt).

    py-spy samples from outside the process and must see it from its first instruction, so the
    bot is spawned through a wrapper script; these runs are not timed.
    """
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        raise SystemExit("--profile needs py-spy (pip install py-spy)")
    workdir.mkdir(parents=True, exist_ok=True)
    wrapper = workdir / "python-under-py-spy"
    fmt = "raw" if out.suffix == ".txt" else "flamegraph"
    wrapper.write_text(
        f'#!/bin/sh\nexec "{py_spy}" record --rate 500 --format {fmt} -o "{out}" '
        f'-- "{sys.executable}" "$@"\n'
    )
    wrapper.chmod(0o755)
    await one_start("ours", workdir, database_url, python=str(wrapper))


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="samen-startup-") as tmp:
        workdir = Path(tmp)
        database_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        await prepare_database(database_url)
        kinds: list[BotKind] = ["ours", "baseline"] if args.baseline else ["ours"]
        times: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
        for kind in kinds:  # the first start fills the caches (ours) and warms the page cache
            await one_start(kind, workdir / f"{kind}-warm", database_url)
        for n in range(args.runs):
            for kind in kinds:  # interleaved, so a busy moment hits both
                wall, cpu = await one_start(kind, workdir / f"{kind}-{n}", database_url)
                times[kind].append((wall, cpu))
                print(f"[{kind} {n}] startup_s={wall:.2f} cpu_s={cpu:.2f}", file=sys.stderr)
        if args.profile is not None:
            args.profile.mkdir(parents=True, exist_ok=True)
            for n in range(args.profile_runs):
                out = args.profile / f"startup-{n}.{args.profile_format}"
                await profile_start(workdir / f"profile-{n}", database_url, out)
                print(f"[profile] {out}", file=sys.stderr)
    result: dict[str, Any] = {"benchmark": "startup", "runs": args.runs}
    for kind in kinds:
        prefix = "" if kind == "ours" else "baseline_"
        walls = [wall for wall, _ in times[kind]]
        cpus = [cpu for _, cpu in times[kind]]
        result.update(
            {
                f"{prefix}startup_s": round(statistics.median(walls), 2),
                f"{prefix}startup_min_s": round(min(walls), 2),
                f"{prefix}startup_cpu_s": round(statistics.median(cpus), 2),
            }
        )
    if args.baseline:
        result["startup_ratio"] = round(result["startup_s"] / result["baseline_startup_s"], 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", action="store_true", help="also the bare PTB bot")
    parser.add_argument("--profile", type=Path, default=None, help="write py-spy SVGs here")
    parser.add_argument("--profile-runs", type=int, default=1)
    parser.add_argument("--profile-format", choices=("svg", "txt"), default="svg")
    args = parser.parse_args()
    emit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
