"""The ``samenspraak`` command line: one typer app, one module per command group."""

from __future__ import annotations

import sys

import typer

from bot.cli import campagne, db, flows, playground, privacy, run, summary, werkgroep
from bot.cli import feedback as feedback_command
from bot.cli import web as web_command
from bot.errors import ConfigError, FlowError

app = typer.Typer(
    help="Samenspraak: NJi stappenplannen as chat flows for werkgroepen, jongeren en ouders.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(flows.app, name="flows")
app.add_typer(db.app, name="db")
app.add_typer(werkgroep.app, name="werkgroep")
app.add_typer(campagne.app, name="campagne")
app.add_typer(privacy.app, name="privacy")
run.register(app)
playground.register(app)
summary.register(app)
web_command.register(app)
feedback_command.register(app)


def main() -> None:
    """Console entry point: configuration and flow mistakes end in one clear message, exit 2."""
    try:
        app()
    except (ConfigError, FlowError) as exc:
        kind = "configuration" if isinstance(exc, ConfigError) else "flows"
        print(f"samenspraak: {kind} error: {exc}", file=sys.stderr)
        sys.exit(2)
