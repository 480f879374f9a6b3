"""The privacy core stays pure: no Telegram, no database."""

from __future__ import annotations

import subprocess
import sys


def test_privacy_core_imports_neither_telegram_nor_a_database() -> None:
    """Importing every bot.privacy module in a fresh interpreter loads no telegram or SQL module."""
    code = (
        "import sys, bot.privacy, bot.privacy.crisis, bot.privacy.disclosure, "
        "bot.privacy.helplines, bot.privacy.pseudonym, bot.privacy.redact;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'telegram', 'sqlalchemy', 'aiosqlite', 'asyncpg', 'storage'});"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
