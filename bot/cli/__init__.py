"""The ``samenspraak`` command line: one typer app, one module per command group.

``samenspraak COMMAND ...`` imports only COMMAND's module: the werkgroep and campaign commands
alone pull in the admin service, SQLAlchemy and the summary (about a second), which
``samenspraak run`` (whose start-up counts, see docs/performance.md) and ``flows check`` do not
need. Help, an unknown command and :data:`app` (for tests) get every command.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer

from bot.errors import ConfigError, FlowError

HELP = "Samenspraak: NJi stappenplannen as chat flows for werkgroepen, jongeren en ouders."

# Command groups (``samenspraak flows check``): name -> module with a typer ``app``.
GROUPS = {
    "flows": "flows",
    "db": "db",
    "werkgroep": "werkgroep",
    "campagne": "campagne",
    "privacy": "privacy",
}
# Single commands: name -> module whose ``register(app)`` adds it.
COMMANDS = {
    "run": "run",
    "playground": "playground",
    "samenvatting": "summary",
    "export": "summary",
    "web": "web",
    "terugkoppeling": "feedback",
}


def build_app(only: str | None = None) -> typer.Typer:
    """The command line with every command, or with ``only`` that one (a known name)."""
    app = typer.Typer(
        help=HELP, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False
    )
    if only is not None:
        # A group even with one command: typer would otherwise make it the app itself.
        app.callback()(lambda: None)
    for name, module in GROUPS.items():
        if only in (None, name):
            app.add_typer(_module(module).app, name=name)
    registered = set()
    for name, module in COMMANDS.items():
        if only in (None, name) and module not in registered:
            _module(module).register(app)
            registered.add(module)
    return app


def _module(name: str) -> Any:
    return importlib.import_module(f"bot.cli.{name}")


def __getattr__(name: str) -> Any:
    if name == "app":  # every command, built on first use
        globals()["app"] = built = build_app()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console entry point: configuration and flow mistakes end in one clear message, exit 2."""
    command = sys.argv[1] if len(sys.argv) > 1 else None
    known = command in GROUPS or command in COMMANDS
    try:
        build_app(command if known else None)()
    except (ConfigError, FlowError) as exc:
        kind = "configuration" if isinstance(exc, ConfigError) else "flows"
        print(f"samenspraak: {kind} error: {exc}", file=sys.stderr)
        sys.exit(2)
