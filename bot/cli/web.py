"""``samenspraak web``: the consultation in the browser, for everyone without Telegram."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.config import load_settings
from bot.errors import ConfigError


def register(app: typer.Typer) -> None:
    @app.command("web")
    def web(
        host: Annotated[
            str, typer.Option(help="Address to listen on; 0.0.0.0 in a container.")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8081,
        behind_proxy: Annotated[
            bool,
            typer.Option(
                "--behind-proxy",
                help="Take the client address for rate limits from X-Forwarded-For "
                "(only behind your own reverse proxy).",
            ),
        ] = False,
        address_limit: Annotated[
            float,
            typer.Option(
                help="Requests per second one address may make (a school shares one address); "
                "0 turns the limit off.",
                min=0,
            ),
        ] = 30.0,
    ) -> None:
        """Serve campaign links in the browser (SAMENSPRAAK_PUBLIC_URL is where it is reached)."""
        from bot.web.limits import Rate, unlimited
        from bot.web.serve import run_web

        rate = Rate(address_limit, int(address_limit * 10)) if address_limit else unlimited()
        settings = load_settings()
        try:
            run_web(settings, host=host, port=port, behind_proxy=behind_proxy, address_rate=rate)
        except OSError as exc:
            raise ConfigError(f"kan niet luisteren op {host}:{port} ({exc.strerror})") from None
