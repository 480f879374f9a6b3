"""The benchmarks run end to end at toy sizes and report what the performance guide relies on.

No timings are asserted (the machine is shared); only that each benchmark finishes, prints its
JSON line last with the documented keys, and that no answer was lost.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.common import Pacer

ROOT = Path(__file__).resolve().parent.parent
E2E_KEYS = {
    "users",
    "seconds",
    "database",
    "updates_per_s",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "cpu_ms_per_update",
    "baseline_cpu_ms_per_update",
    "cpu_ratio",
    "errors",
    "lost",
}
MEMORY_KEYS = {
    "conversations",
    "startup_s",
    "rss_per_conversation_bytes",
    "rss_growth_per_conversation_bytes",
    "errors",
}


def start(module: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def last_json(process: subprocess.Popen[str]) -> tuple[dict[str, object], str]:
    """The JSON line printed last, and the tail of stderr (the per-bot lines) for messages."""
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err[-3000:]
    lines = out.strip().splitlines()
    assert lines, err[-3000:]
    result = json.loads(lines[-1])
    assert isinstance(result, dict)
    return result, err[-3000:]


def test_e2e_and_memory_benchmarks_report_their_figures() -> None:
    """A few users against our bot and the PTB baseline, and a few open conversations: each
    benchmark prints its JSON line last, with every answer stored and no errors."""
    # Both at once: each spends most of its time waiting for its bots to start.
    e2e = start(
        "benchmarks.e2e",
        *("--users", "3", "--seconds", "2", "--warmup", "0.5", "--timeout", "60"),
        *("--cpu-users", "3", "--cpu-seconds", "2", "--cpu-rate", "10", "--cpu-repeats", "2"),
    )
    memory = start(
        "benchmarks.memory",
        "--conversations",
        "6",
        "--warmup-users",
        "2",
        "--concurrency",
        "3",
        "--no-cold-start",
    )
    e2e_result, e2e_log = last_json(e2e)
    memory_result, memory_log = last_json(memory)

    assert not E2E_KEYS - e2e_result.keys(), E2E_KEYS - e2e_result.keys()
    assert e2e_result["lost"] == 0, e2e_log
    assert e2e_result["answers_sent"] == e2e_result["answers_stored"], e2e_log
    assert isinstance(e2e_result["answers_sent"], int) and e2e_result["answers_sent"] > 0
    assert e2e_result["errors"] == 0 and e2e_result["baseline_errors"] == 0, e2e_log
    # Phase 2 ran twice on each bot, in turn; the ratio is the median of the two turns' ratios.
    ratios = e2e_result["cpu_ratios"]
    assert e2e_result["cpu_repeats"] == 2 and len(ratios) == 2, e2e_log
    assert all(isinstance(r, float) and r > 0 for r in ratios), e2e_log
    assert e2e_result["cpu_ratio"] == statistics.median(ratios), e2e_log

    assert not MEMORY_KEYS - memory_result.keys(), MEMORY_KEYS - memory_result.keys()
    assert memory_result["errors"] == 0, memory_log
    # "Before" was taken after the warm-up, built once, so it is not memory per conversation.
    assert memory_result["warmed_up"] is True, memory_log


STARTUP_KEYS = {"runs", "startup_s", "startup_min_s", "startup_cpu_s", "baseline_startup_s"}


def test_startup_benchmark_reports_wall_and_cpu_seconds_beside_the_baseline() -> None:
    """One counted start of each bot (after the warm-up start): the JSON line has the medians
    and the ratio to the bare PTB bot."""
    result, log = last_json(start("benchmarks.startup", "--runs", "1", "--baseline"))
    assert not STARTUP_KEYS - result.keys(), STARTUP_KEYS - result.keys()
    assert result["runs"] == 1
    cpu, wall = result["startup_cpu_s"], result["startup_s"]
    assert isinstance(cpu, float) and isinstance(wall, float)
    assert cpu > 0 and wall > 0, log


def test_crisis_benchmark_also_scores_each_text_as_a_dutch_speaking_users() -> None:
    """``recall_as_dutch_user``: the text checked with only "nl" given, as the bot checks a user
    who chose Dutch, whatever language they write in."""
    from benchmarks.crisis import score

    corpus = [
        {"text": "i want to die", "lang": "en", "crisis": True, "category": "suicide"},
        {"text": "chce umrzec", "lang": "pl", "crisis": True, "category": "suicide"},
        {"text": "i died laughing at that video", "lang": "en", "crisis": False, "category": None},
    ]
    result = score(corpus)
    assert result["recall"] == result["recall_as_dutch_user"] == 1.0
    assert result["false_alarm_rate"] == result["false_alarm_rate_as_dutch_user"] == 0.0


async def test_a_stopped_pacer_no_longer_holds_users_back() -> None:
    """After the window, a user between /start and its consent needs a second permit; a pacer
    that stopped hands it out at once (the e2e benchmark hung there before)."""
    pacer = Pacer(rate=1000.0)
    pacer.start()
    await pacer.acquire()
    await pacer.stop()
    while not pacer.permits.empty():
        await pacer.acquire()
    await asyncio.wait_for(pacer.acquire(), timeout=5)
