"""PTB's Bot API requests over aiohttp instead of httpx.

Why: every reply, callback answer and ``getUpdates`` is a Bot API call, and with PTB's default
``HTTPXRequest`` the HTTP client was the bot's largest single cost: httpx, httpcore, h11 and
anyio took about 1.3 ms of CPU per call on the benchmark machine, against 0.22 ms for the same
call through aiohttp (C HTTP parser, far fewer awaits and tasks per request; see
docs/performance.md, "Hot path, round 11"). aiohttp is already a dependency (the web channel),
and ``BaseRequest`` is PTB's documented extension point for another HTTP library: PTB still
builds the request, parses the answer and raises its own errors, so nothing above this class
changes.

What this keeps from ``HTTPXRequest``: the four timeouts and their defaults (a ``None`` timeout
waits forever, media uploads get a longer write timeout), a bounded connection pool, proxies
from the environment (``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY``, a proxy without a scheme
taken as ``http://``, as httpx does), redirects not followed, TLS with the context it is given,
and PTB's error types (``TimedOut`` for every timeout, the pool's included; ``NetworkError``
for the rest), whose messages never carry the bot token (the URL holds it). Two timeouts
differ in shape: aiohttp cannot tell waiting for a pooled connection from making a new one, so
pool + connect timeout bound the two together; and it has no write timeout, so a POST's whole
exchange is bounded by pool + connect + write + read (31 s for an upload with the defaults;
the bot uploads small documents), while a download (GET) is bounded only between bytes.
SOCKS proxies are refused at ``initialize`` with a clear message (httpx needs an extra for
them too). Without a ``tls`` context it trusts the system's CA store; the bot always passes
one (``bot.ops.instrument.tls_context``).
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.logging import TOKEN_SHAPE

# 0 means "at once" in PTB and httpx but "never" in aiohttp.
_NO_WAIT = 0.001
# PTB's HTTPXRequest defaults (seconds).
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` on one ``aiohttp.ClientSession`` with a bounded connection pool."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        *,
        read_timeout: float | None = READ_TIMEOUT,
        write_timeout: float | None = WRITE_TIMEOUT,
        connect_timeout: float | None = CONNECT_TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
        media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self._pool_size = connection_pool_size
        self._defaults = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._media_write_timeout = media_write_timeout
        self._tls = tls
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._env_proxies: dict[str, str] = {}  # read from the environment at initialize
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._defaults[0]

    @property
    def tls(self) -> ssl.SSLContext | None:
        """The TLS context its connections use (``None``: the system's default)."""
        return self._tls

    async def initialize(self) -> None:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            # (A session of an event loop that has ended cannot be closed any more: replaced.)
            self._env_proxies = _usable(urllib.request.getproxies())
            connector = aiohttp.TCPConnector(
                limit=self._pool_size,
                ssl=self._tls if self._tls is not None else True,
                keepalive_timeout=5.0,  # httpx's
            )
            # Not trust_env: aiohttp would then look up the proxy and ~/.netrc in a worker
            # thread on every request (a tenth of the bot's CPU); _proxy_for looks once per host.
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )
            self._loop = loop
            self._proxies.clear()

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed or self._loop is not asyncio.get_running_loop():
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.contains_files if request_data is not None else False
        read, write, connect, pool = self._defaults
        if files:
            write = self._media_write_timeout
        timeout = _timeout(
            read if isinstance(read_timeout, DefaultValue) else read_timeout,
            write if isinstance(write_timeout, DefaultValue) else write_timeout,
            connect if isinstance(connect_timeout, DefaultValue) else connect_timeout,
            pool if isinstance(pool_timeout, DefaultValue) else pool_timeout,
            bounded=method != "GET",
        )
        data: Any = None
        if request_data is not None:
            data = _form(request_data) if files else request_data.json_parameters
        try:
            proxy = self._proxy_for(url)
            async with session.request(
                method, url, data=data, timeout=timeout, proxy=proxy, allow_redirects=False
            ) as response:
                status, payload = response.status, await response.read()
        # The errors are raised without their cause: aiohttp's messages and tracebacks carry the
        # URL, and with it the bot token; the class name and the redacted message remain.
        except aiohttp.ConnectionTimeoutError:
            raise TimedOut(
                "Pool or connect timeout: no connection to the Bot API in time. "
                "The request was not sent."
            ) from None
        except TimeoutError:  # the read or the whole exchange
            raise TimedOut from None
        except aiohttp.ClientError as err:
            message = TOKEN_SHAPE.sub("[token]", str(err))
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {message}") from None
        self.observe(url, status)
        return status, payload

    def observe(self, url: str, status: int) -> None:
        """Called with every answer of the Bot API (``bot.ops.instrument`` counts them)."""

    def _proxy_for(self, url: str) -> str | None:
        """The proxy the environment names for ``url``'s host (``HTTPS_PROXY``, ``ALL_PROXY``,
        not when ``NO_PROXY`` matches), as httpx honours them: as the environment was at
        ``initialize``, looked up once per host (the bot talks to one or two)."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key not in self._proxies:
            proxy = self._env_proxies.get(parts.scheme) or self._env_proxies.get("all")
            bypass = parts.hostname is None or urllib.request.proxy_bypass(parts.hostname)
            self._proxies[key] = None if bypass else proxy
        return self._proxies[key]


def _usable(proxies: dict[str, str]) -> dict[str, str]:
    """The environment's proxies by scheme, one without a scheme read as ``http://`` (as httpx
    reads "proxy:3128"); a proxy this client cannot use (SOCKS) is refused with a message that
    says so."""
    usable = {}
    for scheme, proxy in proxies.items():
        if scheme == "no":
            continue
        if "://" not in proxy:
            proxy = "http://" + proxy
        if not proxy.startswith(("http://", "https://")):
            raise ValueError(
                f"The {scheme} proxy in the environment ({proxy.split('://', 1)[0]}://...) is "
                "not supported for the Bot API: use an http:// or https:// proxy."
            )
        usable[scheme] = proxy
    return usable


@functools.lru_cache(maxsize=64)
def _timeout(
    read: float | None,
    write: float | None,
    connect: float | None,
    pool: float | None,
    bounded: bool,
) -> aiohttp.ClientTimeout:
    """aiohttp's timeouts for PTB's four (few distinct sets occur: cached, not built per call).

    ``connect`` in aiohttp covers the wait for a pooled connection and making it; ``sock_read``
    is the wait between bytes of the answer; ``total`` (``bounded``: not for a download, which
    may take long while bytes keep coming) bounds writing and reading together."""
    read, write, connect, pool = (
        None if t is None else max(t, _NO_WAIT) for t in (read, write, connect, pool)
    )
    waits = None if pool is None or connect is None else pool + connect
    exchange = None if read is None or write is None else read + write
    return aiohttp.ClientTimeout(
        total=None if not bounded or exchange is None or waits is None else exchange + waits,
        connect=waits,
        sock_connect=connect,
        sock_read=read,
    )


def _form(request_data: RequestData) -> aiohttp.FormData:
    """A multipart body: the parameters as fields, each file as a part with its name and type."""
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        if not isinstance(content, bytes):
            # A file handle: aiohttp would close it after sending, and PTB's retry after a
            # flood limit sends the same request again. Its bytes instead, the handle left as it was.
            start = content.tell() if content.seekable() else None
            data = content.read()
            if start is not None:
                content.seek(start)
            content = data if isinstance(data, bytes) else str(data).encode()
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
