"""benchmarks/web.py runs end to end at a toy size; no timing is asserted (shared machine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
KEYS = {
    "database",
    "closed_answers_per_s",
    "closed_p50_ms",
    "closed_p99_ms",
    "open_rate_per_s",
    "open_p50_ms",
    "open_p99_ms",
    "server_cpu_ms_per_answer",
    "errors",
    "lost",
}


def test_web_benchmark_prints_its_json_line_last_and_loses_nothing() -> None:
    """Two participants in a closed loop and 10 answers/s in an open loop: every answer the
    server confirmed is stored, and the last line is the JSON figure line."""
    args = ["--seconds", "1.5", "--rate", "10", "--concurrency", "2", "--pool", "4"]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.web", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(result) >= KEYS
    assert result["errors"] == 0 and result["lost"] == 0
    assert result["open_requests"] > 0 and result["closed_answers_per_s"] > 0
