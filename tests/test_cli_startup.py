"""Start-up of the command line and the bot: each command imports only what it needs, so
`samenspraak run` reaches its first reply sooner (docs/performance.md, issue 19)."""

from __future__ import annotations

import json
import subprocess
import sys

import typer.main

from bot.cli import COMMANDS, GROUPS, app

HEAVY = (
    "telegram",
    "sqlalchemy",
    "aiohttp",
    "aiohttp.web",
    "docx",
    "openpyxl",
    "matplotlib",
    "segno",
    "alembic",
    "bot.summary",
    "snowballstemmer",
)


def _loaded(code: str, *args: str) -> list[str]:
    """The HEAVY modules present after running ``code`` in a fresh interpreter."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def _cli() -> str:
    return (
        "import sys\nfrom bot.cli import main\nsys.argv = ['samenspraak', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )


def test_run_help_imports_no_bot_machinery() -> None:
    """`samenspraak run --help` imports neither Telegram, SQL, aiohttp nor any export library."""
    assert _loaded(_cli(), "run", "--help") == []


def test_flows_check_imports_no_database_or_telegram() -> None:
    """`samenspraak flows check` validates the flows without SQLAlchemy or Telegram."""
    assert _loaded(_cli(), "flows", "check") == []


def test_bot_start_does_not_import_aiohttp_web_or_exports() -> None:
    """The polling bot (bot.telegram.app) loads aiohttp's client (its Bot API transport,
    bot.telegram.aiohttp_request) but no aiohttp server, Word, Excel, chart, QR or migration
    library, nor the summary package; aiohttp.web comes only with the ops server or webhook
    mode, segno with the first QR code, Alembic only for a database behind the newest
    migration (tests/test_migration_check.py), bot.summary with the first free-text answer or
    coordinator command."""
    loaded = _loaded("import sys, bot.cli.run, bot.telegram.app")
    assert loaded == ["aiohttp", "sqlalchemy", "telegram"]


def test_the_ops_server_checks_migrations_without_alembic() -> None:
    """/healthz compares the database's revision with the head read from the migration files."""
    loaded = _loaded("import bot.ops.server")
    assert loaded == ["aiohttp", "aiohttp.web", "sqlalchemy"]


def test_every_command_is_in_the_lazy_registry() -> None:
    """The names main() dispatches on are exactly the commands of the full command line."""
    command = typer.main.get_command(app)
    assert isinstance(command, typer.main.TyperGroup)
    assert set(command.commands) == set(GROUPS) | set(COMMANDS)
