"""``samenspraak run``: start the bot."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.config import load_settings
from bot.errors import ConfigError

NO_TOKEN = (
    "No Telegram token configured. Create a bot with @BotFather, then set "
    "SAMENSPRAAK_TELEGRAM_TOKEN (in the environment or in .env; see .env.example)."
)

PLAYGROUND_HINT = (
    "Voor Telegram zelf: maak een bot met @BotFather en zet SAMENSPRAAK_TELEGRAM_TOKEN "
    "(en SAMENSPRAAK_BOT_USERNAME) in .env of in de omgeving; zie .env.example."
)


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(
        webhook: Annotated[bool, typer.Option(help="Receive updates by webhook.")] = False,
        listen: Annotated[str, typer.Option(help="Webhook listen address.")] = "0.0.0.0",
        port: Annotated[int, typer.Option(help="Webhook port.")] = 8443,
        url: Annotated[str | None, typer.Option(help="Public webhook URL (https://…).")] = None,
    ) -> None:
        """Run the Telegram bot (long polling, or --webhook); without a token, the playground."""
        settings = load_settings()
        if settings.telegram_token is None:
            if webhook:
                raise ConfigError(NO_TOKEN)
            from bot.cli.playground import DEFAULT_HOST, DEFAULT_PORT, start_playground

            typer.echo(
                f"Geen Telegram-token ingesteld: de speeltuin start op "
                f"http://{DEFAULT_HOST}:{DEFAULT_PORT} (de echte bot, zonder Telegram)."
            )
            typer.echo(PLAYGROUND_HINT)
            start_playground(host=DEFAULT_HOST, port=DEFAULT_PORT)
            return
        from bot.telegram.app import run_bot

        run_bot(settings, webhook=webhook, listen=listen, port=port, url=url)
