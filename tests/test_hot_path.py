"""Hot-path behaviour the benchmarks asked for, pinned so it does not regress."""

from __future__ import annotations

import subprocess
import sys

from bot.telegram.throttle import FORGET_EVERY, Throttle


def test_throttle_forgets_idle_users() -> None:
    """Users quiet for a whole window are dropped, so memory does not grow with every user."""
    throttle = Throttle(limit=5, window=1.0)
    for user in range(FORGET_EVERY - 1):
        throttle.check(user, now=0.0)
    assert len(throttle._seen) == FORGET_EVERY - 1
    throttle.check(10**6, now=5.0)  # the 256th call, long after the others
    assert set(throttle._seen) == {10**6}


def test_throttle_tracks_a_bounded_number_of_users() -> None:
    """A burst of many distinct users within one window never tracks more than the bound;
    the newest users are kept and still counted."""
    throttle = Throttle(limit=2, window=60.0, max_tracked=100)
    for user in range(1000):
        assert throttle.check(user, now=1.0) == (True, False)
        assert len(throttle._seen) <= 100
    assert 999 in throttle._seen
    assert throttle.check(999, now=1.0) == (True, False)
    assert throttle.check(999, now=1.0) == (False, True)


def test_bot_start_does_not_load_matplotlib_or_docx() -> None:
    """`samenspraak run` loads neither matplotlib nor python-docx (only a summary or export does)."""
    code = (
        "import sys, bot.cli, bot.telegram.app;"
        "print(sorted(m for m in ('matplotlib', 'docx') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
