"""The ops server: ``/healthz`` and ``/metrics`` on a port of their own (not the webhook's).

``/healthz`` answers 200 ``{"database": "ok", "migrations": "current"}`` when the database
answers ``SELECT 1`` and its Alembic revision is the head this code ships; otherwise 503 with
what is wrong (``database``: ``unreachable``; ``migrations``: ``pending`` when the database is
behind this code, ``ahead`` when newer code migrated it, ``unknown`` when it could not be read). A check never takes longer
than :data:`HEALTH_TIMEOUT` seconds, so a container health probe gets an answer even while the
database hangs.

Keep this port away from the internet: the answers hold no personal data, but they are for the
operator (a Prometheus scraper, a Docker health check), not for Telegram.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from aiohttp import web

from bot.ops import metrics
from storage.db import current_revision, head_revision, known_revisions
from storage.handles import Database, ping

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)
HEALTH_TIMEOUT = 5.0
DATABASE_KEY = web.AppKey("database", Database)


def migration_state(current: str | None) -> str:
    """``current`` (the head), ``pending`` (behind: run the migrations) or ``ahead`` (the
    database was migrated by newer code than this)."""
    if current is not None and current == head_revision():
        return "current"
    if current is None or current in known_revisions():
        return "pending"
    return "ahead"


async def check_health(database: Database) -> tuple[bool, dict[str, str]]:
    """Whether the bot can serve: the database answers and its schema is this code's head."""
    reached = False
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT):  # one budget for both checks
            await ping(database)
            reached = True
            current = await current_revision(database)
    except Exception as exc:  # unreachable, or a broken alembic_version table
        if not reached:
            log.warning("health: database unreachable: %s", type(exc).__name__)
            return False, {"database": "unreachable", "migrations": "unknown"}
        log.warning("health: migration revision unreadable: %s", type(exc).__name__)
        return False, {"database": "ok", "migrations": "unknown"}
    state = migration_state(current)
    return state == "current", {"database": "ok", "migrations": state}


async def healthz(request: web.Request) -> web.Response:
    healthy, body = await check_health(request.app[DATABASE_KEY])
    return web.json_response(body, status=200 if healthy else 503)


async def metrics_page(_: web.Request) -> web.Response:
    body, content_type = metrics.render()
    return web.Response(body=body, headers={"Content-Type": content_type})


def ops_app(database: Database) -> web.Application:
    app = web.Application()
    app[DATABASE_KEY] = database
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
    return app


async def start_ops_server(runtime: Runtime, host: str, port: int) -> web.AppRunner:
    """Serve ``/healthz`` and ``/metrics`` on ``host:port`` (0 picks a free port; see
    :func:`bound_port`). Stop it with ``await runner.cleanup()``. Raises ``OSError`` when the
    port cannot be bound."""
    runner = web.AppRunner(ops_app(runtime.database), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError:  # the port is taken: leave nothing behind, let the caller decide
        await runner.cleanup()
        raise
    log.info("ops server on %s:%s (/healthz, /metrics)", host, bound_port(runner) or port)
    return runner


def bound_port(runner: web.AppRunner) -> int | None:
    """The port the server actually listens on (useful after asking for port 0)."""
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return None
