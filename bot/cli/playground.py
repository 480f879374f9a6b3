"""``samenspraak playground``: the real bot on a local Bot API server, played in the browser.

Also what ``samenspraak run`` starts when no Telegram token is configured (see
:func:`start_playground`). The heavy imports wait until the command runs, so ``--help`` stays fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import signal
from pathlib import Path
from typing import Annotated

import typer

from bot.config import Settings, load_settings
from bot.errors import ConfigError

DEFAULT_PORT = 8080
DEFAULT_HOST = "127.0.0.1"
SUBDIR = "playground"


def default_data_dir(settings: Settings) -> Path:
    """``<SAMENSPRAAK_DATA_DIR>/playground``: apart from a real bot's database and pepper."""
    return settings.data_dir / SUBDIR


def start_playground(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    data_dir: Path | None = None,
    sample_answers: bool = True,
) -> None:
    """Run the playground until Ctrl+C; a taken port is one clear configuration error."""
    from bot.logging import configure_logging
    from bot.playground.server import ensure_port_free

    try:
        ensure_port_free(host, port)  # before anything starts, so nothing is left half-open
    except OSError as exc:
        raise ConfigError(bind_error(host, port, exc)) from None
    try:
        ensure_port_free(host, port + 1)  # the web channel, beside the page
    except OSError as exc:
        raise ConfigError(bind_error(host, port + 1, exc)) from None
    settings = load_settings()
    configure_logging(settings.log_level)
    directory = data_dir if data_dir is not None else default_data_dir(settings)
    # Signals stop the playground gracefully; a second Ctrl+C during shutdown ends it at once.
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_until_signal(directory, host, port, sample_answers))


def bind_error(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"poort {port} op {host} is al in gebruik; kies een andere, bijvoorbeeld "
            f"`samenspraak playground --port {port + 1}`"
        )
    return f"de speeltuin kan niet luisteren op {host}:{port} ({exc.strerror or exc})"


async def _serve_until_signal(directory: Path, host: str, port: int, sample_answers: bool) -> None:
    from bot.playground.server import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await serve(directory, host=host, port=port, sample_answers=sample_answers, stop=stop)
    print("Speeltuin gestopt.", flush=True)


def register(app: typer.Typer) -> None:
    @app.command("playground")
    def playground(
        port: Annotated[int, typer.Option(help="Port of the web page.")] = DEFAULT_PORT,
        host: Annotated[
            str, typer.Option(help="Address to listen on; 0.0.0.0 opens it to the network.")
        ] = DEFAULT_HOST,
        data_dir: Annotated[
            Path | None,
            typer.Option(help="Where the playground keeps its data (default: data/playground)."),
        ] = None,
        sample_answers: Annotated[
            bool,
            typer.Option(
                "--sample-answers/--no-sample-answers",
                help="Seed a new demo werkgroep with made-up answers, so /samenvatting has data.",
            ),
        ] = True,
    ) -> None:
        """Try the bot in your browser, without Telegram: the real bot, a local server, a demo
        werkgroep, and a chat page at http://127.0.0.1:8080."""
        start_playground(host=host, port=port, data_dir=data_dir, sample_answers=sample_answers)
