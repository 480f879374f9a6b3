"""Pushes pending updates to the bot's webhook, one chat in order, many chats at once.

Each chat with undelivered updates gets a worker task that posts them one by one and retries
the head update after `retry_delay` until the webhook answers 2xx. `max_connections` bounds how
many posts run at the same time, as on Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from dataclasses import dataclass, field

import aiohttp

from tgstub.objects import Json, now
from tgstub.updates import PendingUpdate, UpdateQueue

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    deliveries: int = field(default=0)


class WebhookDelivery:
    def __init__(self, queue: UpdateQueue, *, retry_delay: float, timeout: float) -> None:
        self._queue = queue
        self._retry_delay = retry_delay
        self._timeout = timeout
        self.config: WebhookConfig | None = None
        self._chains: dict[int | str, deque[PendingUpdate]] = {}
        self._workers: dict[int | str, asyncio.Task[None]] = {}
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(40)

    async def set(self, config: WebhookConfig) -> None:
        await self._stop_workers()
        self.config = config
        self._slots = asyncio.Semaphore(max(1, config.max_connections))
        self._queue.webhook_active = True
        self._queue.listener = self._enqueue
        for entry in self._queue.entries():
            self._enqueue(entry)

    async def delete(self) -> None:
        await self._stop_workers()
        self.config = None
        self._queue.webhook_active = False
        self._queue.listener = None

    async def close(self) -> None:
        await self.delete()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def info(self) -> Json:
        info: Json = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        config = self.config
        if config is None:
            return info
        info.update(url=config.url, max_connections=config.max_connections)
        if config.ip_address:
            info["ip_address"] = config.ip_address
        if config.allowed_updates is not None:
            info["allowed_updates"] = config.allowed_updates
        if config.last_error_date is not None:
            info["last_error_date"] = config.last_error_date
            info["last_error_message"] = config.last_error_message
        return info

    def _enqueue(self, entry: PendingUpdate) -> None:
        chain = self._chains.setdefault(entry.chat_key, deque())
        chain.append(entry)
        if entry.chat_key not in self._workers:
            self._workers[entry.chat_key] = asyncio.create_task(self._drain(entry.chat_key))

    async def _drain(self, key: int | str) -> None:
        chain = self._chains[key]
        try:
            while chain:
                entry = chain[0]
                if not self._queue.contains(entry):  # dropped meanwhile
                    chain.popleft()
                    continue
                async with self._slots:
                    delivered = await self._post(entry)
                if delivered:
                    self._queue.remove(entry)
                    chain.popleft()
                else:
                    await asyncio.sleep(self._retry_delay)
        finally:
            if not chain:
                self._chains.pop(key, None)
            self._workers.pop(key, None)

    async def _post(self, entry: PendingUpdate) -> bool:
        config = self.config
        if config is None:
            return False
        headers = {"Content-Type": "application/json"}
        if config.secret_token:
            headers[SECRET_HEADER] = config.secret_token
        try:
            session = self._client()
            async with session.post(config.url, data=entry.body, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    config.deliveries += 1
                    return True
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            error = _describe(exc)
        config.last_error_date = now()
        config.last_error_message = error
        log.debug("webhook delivery failed: %s", error)
        return False

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                connector=aiohttp.TCPConnector(limit=0),
            )
        return self._session

    async def _stop_workers(self) -> None:
        workers = list(self._workers.values())
        for task in workers:
            task.cancel()
        for task in workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._workers.clear()
        self._chains.clear()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "Read timeout expired"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "Connection refused"
    return f"Connection error: {type(exc).__name__}"
