"""The pure core and storage never import Telegram."""

import subprocess
import sys


def test_engine_and_storage_import_without_telegram() -> None:
    """Importing bot.engine and storage in a fresh interpreter loads no telegram module."""
    code = (
        "import sys, bot.engine, bot.engine.runner, storage.models, storage.repo, storage.db;"
        "bad = sorted(m for m in sys.modules if m == 'telegram' or m.startswith('telegram.'));"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_only_the_machine_module_imports_transitions() -> None:
    """transitions is imported by bot/engine/machine.py and nowhere else in the package."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    importers = [
        path.relative_to(root).as_posix()
        for folder in ("bot", "storage")
        for path in (root / folder).rglob("*.py")
        if "from transitions" in path.read_text() or "import transitions" in path.read_text()
    ]
    assert importers == ["bot/engine/machine.py"]
