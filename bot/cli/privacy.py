"""``samenspraak privacy``: retention."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict

import typer

from bot.config import load_settings
from bot.privacy.retention import purge as run_purge
from storage.db import compact, make_engine, make_sessionmaker, upgrade

app = typer.Typer(help="Privacy: retention and link cutting.", no_args_is_help=True)


@app.command("purge")
def purge() -> None:
    """Close expired campaigns, cut their pseudonym links, forget stale sessions and update ids."""
    settings = load_settings()
    url = settings.resolved_database_url
    upgrade(url)

    async def go() -> dict[str, int]:
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine).begin() as session:
                report = await run_purge(session, settings.retention_days)
            if report.campaigns_cut:
                await compact(engine)  # the cut's deleted rows leave the SQLite file
            return asdict(report)
        finally:
            await engine.dispose()

    typer.echo(json.dumps(asyncio.run(go())))
