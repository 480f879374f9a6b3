"""Count what the bot does without touching the handlers: two PTB extension points.

* :class:`InstrumentedApplication` (``ApplicationBuilder().application_class(...)``) times every
  ``process_update`` (polling calls it through the update processor, our webhook receiver calls
  it directly, so both modes are covered) and counts the handler errors PTB passes to
  ``process_error``. It also keeps PTB from noting every user for a persistence it does not
  have (see ``_mark_for_persistence_update``).
* :class:`InstrumentedRequest` (``ApplicationBuilder().request(...)``) sees every Bot API answer:
  an accepted ``send*`` call counts as a message sent, an HTTP 429 as a flood-limit hit. It sits
  below ``AIORateLimiter``, so each retried 429 is counted once per answer.

Only the Bot API method name (the last path segment) is looked at: the URL also holds the token.
"""

from __future__ import annotations

import ssl
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
from telegram.ext import Application

from bot.ops import metrics
from bot.telegram.aiohttp_request import AiohttpRequest

TOO_MANY_REQUESTS = 429


class InstrumentedApplication(Application[Any, Any, Any, Any, Any, Any]):
    def _mark_for_persistence_update(
        self, *, update: object | None = None, job: Any = None
    ) -> None:
        # PTB notes every chat and user id it sees for its persistence, and only a persistence
        # ever clears those sets: without one (the bot keeps its state in the database) they
        # grew by every user ever seen, for the life of the process.
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)

    async def process_update(self, update: object) -> None:
        started = time.perf_counter()
        try:
            await super().process_update(update)
        finally:
            metrics.observe_update(time.perf_counter() - started)

    async def process_error(
        self,
        update: object | None,
        error: Exception,
        job: Any = None,
        coroutine: Any = None,
    ) -> bool:
        # Errors without an update come from jobs or the polling loop, not from a handler.
        if update is not None:
            metrics.count_error()
        return await super().process_error(update, error, job, coroutine)


class InstrumentedRequest(AiohttpRequest):
    def observe(self, url: str, status: int) -> None:
        observe_answer(url, status)


def observe_answer(url: str, status: int) -> None:
    """Count one Bot API answer to ``url`` with HTTP ``status``."""
    if status == TOO_MANY_REQUESTS:
        metrics.count_retry_after()
        return
    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    if 200 <= status < 300 and name.lower() in _SEND_LOWER:
        metrics.count_sent(_SEND_LOWER[name.lower()])


# PTB writes method names in lower case in the URL (e.g. /sendmessage); map them back.
_SEND_LOWER = {name.lower(): name for name in metrics.SEND_METHODS}


def tls_context(*urls: str) -> ssl.SSLContext:
    """One TLS context for every HTTP client of the bot (PTB has two: getUpdates and the rest).

    Built as httpx, PTB's default client, builds it (certifi's CA bundle, or ``SSL_CERT_FILE``),
    so the bot trusts the same servers as a stock PTB bot; loading the bundle takes 40-80 ms,
    so it is loaded once and shared. When every URL is plain ``http://`` (a local Bot API
    server) no handshake ever happens, and the context holds no CA at all: it is never used,
    and would refuse any server if it were.
    """
    if any(urlsplit(url).scheme != "http" for url in urls):
        return httpx.create_ssl_context()
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, with nothing to trust


def instrumented_request(
    connection_pool_size: int = 256, tls: ssl.SSLContext | None = None
) -> InstrumentedRequest:
    """The request object for the Bot API calls (not for getUpdates), with PTB's defaults."""
    return InstrumentedRequest(connection_pool_size=connection_pool_size, tls=tls)


def updates_request(tls: ssl.SSLContext) -> AiohttpRequest:
    """The request object for getUpdates: PTB's default for it (one connection), sharing ``tls``."""
    return AiohttpRequest(connection_pool_size=1, tls=tls)
