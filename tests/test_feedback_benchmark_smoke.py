"""The feedback benchmark (#17.5) runs at a toy size and reports its figures: every opt-in got
the message, none is left, the feedback is marked sent (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = {
    "optins",
    "delivered",
    "received",
    "seconds",
    "messages_per_s",
    "max_in_any_second",
    "limit_per_s",
    "optins_left",
    "status",
}


def test_feedback_benchmark_reports_its_figures() -> None:
    """Five opt-ins: five delivered and received, none left, status sent; JSON line last."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.feedback", "--optins", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(result) == KEYS
    assert (result["delivered"], result["received"], result["optins_left"]) == (5, 5, 0)
    assert result["status"] == "sent"
