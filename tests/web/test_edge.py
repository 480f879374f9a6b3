"""The web channel is its own thin edge: it loads no Telegram code."""

from __future__ import annotations

import subprocess
import sys


def test_the_web_channel_imports_without_telegram() -> None:
    """Importing the web app in a fresh interpreter loads no telegram module."""
    code = (
        "import sys, bot.web.app, bot.web.serve;"
        "bad = sorted(m for m in sys.modules if m == 'telegram' or m.startswith('telegram.'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
