"""``samenspraak db``: database migrations."""

from __future__ import annotations

import typer

from bot.config import load_settings
from storage.db import upgrade as apply_migrations

app = typer.Typer(help="Database migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Apply all database migrations (SAMENSPRAAK_DATABASE_URL; default SQLite in ./data/)."""
    url = load_settings().resolved_database_url
    apply_migrations(url)
    typer.echo("Database is up to date.")
