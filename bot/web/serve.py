"""Run the web channel as its own process: ``samenspraak web``.

Like the bot it keeps no state of its own (sessions are cookies, answers are in the database),
so several replicas can serve one PostgreSQL behind a load balancer. aiohttp's access log is
off: it would write every visitor's address and user agent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from bot.config import Settings
from bot.runtime import Runtime, freeze_long_lived
from bot.web.app import create_app
from bot.web.limits import ADDRESS_RATE, Rate

log = logging.getLogger(__name__)
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8081


@asynccontextmanager
async def running(
    runtime: Runtime,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    behind_proxy: bool = False,
    address_rate: Rate = ADDRESS_RATE,
) -> AsyncIterator[str]:
    """Serve ``runtime`` until the block ends; yields the base URL (port 0: a free port)."""
    app = create_app(runtime, behind_proxy=behind_proxy, address_rate=address_rate)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
        bound = runner.addresses[0][1] if runner.addresses else port
        yield f"http://{host}:{bound}"
    finally:
        await runner.cleanup()


async def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    behind_proxy: bool,
    stop: asyncio.Event,
    address_rate: Rate = ADDRESS_RATE,
) -> None:
    from bot.admin.links import resolve_bot_username
    from bot.logging import configure_logging

    configure_logging(settings.log_level)
    runtime = Runtime.build(settings)
    runtime.freeze_after_warm_up = True
    try:
        await runtime.prepare()
        # For the landing page's "Open in Telegram" link; without it only the browser is offered.
        runtime.bot_username = await resolve_bot_username(settings)
        async with running(
            runtime, host=host, port=port, behind_proxy=behind_proxy, address_rate=address_rate
        ) as url:
            freeze_long_lived()
            log.info("web channel listening on %s (public address %s)", url, settings.public_url)
            print(f"Samenspraak web: {url} (publiek: {settings.public_url})", flush=True)
            await stop.wait()
    finally:
        await runtime.close()


def run_web(
    settings: Settings,
    *,
    host: str,
    port: int,
    behind_proxy: bool = False,
    address_rate: Rate = ADDRESS_RATE,
) -> None:
    """Serve until SIGINT or SIGTERM (``samenspraak web``)."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await serve(
            settings,
            host=host,
            port=port,
            behind_proxy=behind_proxy,
            stop=stop,
            address_rate=address_rate,
        )

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
