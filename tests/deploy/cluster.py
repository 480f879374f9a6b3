"""A small production-like cluster for the scale-out tests: bot replicas as real processes
(`samenspraak run --webhook`, exactly what the container runs) behind a load balancer written
here, against one PostgreSQL database and the local Bot API server.

The local Bot API can post to one webhook URL only, so it posts to :class:`Balancer`, which
forwards each post to replica A or B. It can also deliver one post to *both* replicas at once
(Telegram redelivering an update while the first delivery is still being processed), or hold a
few posts and forward them together, one per replica (two updates of one user arriving on two
machines at the same moment).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import aiohttp
from aiohttp import web

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PATH = "/telegram"
START_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Delivery:
    """One post from the Bot API as the balancer handled it."""

    update_id: int
    user_id: int | None
    replicas: tuple[int, ...]
    statuses: tuple[int, ...]


def user_of(update: dict[str, object]) -> int | None:
    """The Telegram user an update comes from (message, callback query, …)."""
    for value in update.values():
        if isinstance(value, dict) and isinstance(value.get("from"), dict):
            return int(value["from"]["id"])
    return None


@dataclass
class Balancer:
    targets: list[str]
    port: int = field(default_factory=free_port)
    deliveries: list[Delivery] = field(default_factory=list)
    _turn: int = 0
    _race_next: bool = False
    _hold: int = 0
    _held: list[tuple[dict[str, object], bytes, str]] = field(default_factory=list)
    _batches: list[asyncio.Task[None]] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _http: aiohttp.ClientSession | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        """The public address given to the replicas as --url (they append /telegram)."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application()
        app.router.add_post(PATH, self._receive)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        for task in self._batches:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    # -- what the next posts do -----------------------------------------------------------------

    def race_next(self) -> None:
        """Deliver the next post to both replicas at the same time."""
        self._race_next = True

    def hold_next(self, count: int) -> None:
        """Acknowledge the next ``count`` posts at once, then forward them together, the first
        to replica A, the second to replica B, and so on."""
        self._hold = count

    async def delivered(self, update_id: int, timeout: float = 30.0) -> Delivery:
        """Wait until the post of ``update_id`` was answered by every replica it went to."""

        async def seen() -> Delivery:
            while True:
                for delivery in self.deliveries:
                    if delivery.update_id == update_id:
                        return delivery
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(seen(), timeout)

    async def batches_done(self) -> None:
        await asyncio.gather(*self._batches)

    # -- forwarding -----------------------------------------------------------------------------

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        secret = request.headers.get(SECRET_HEADER, "")
        update = json.loads(body)
        if self._hold:
            self._held.append((update, body, secret))
            self._hold -= 1
            if not self._hold:
                held, self._held = self._held, []
                self._batches.append(asyncio.create_task(self._forward_together(held)))
            return web.Response(text="held")
        if self._race_next:
            self._race_next = False
            replicas = tuple(range(len(self.targets)))
        else:
            replicas = (self._turn % len(self.targets),)
            self._turn += 1
        statuses = await asyncio.gather(*(self._post(i, body, secret) for i in replicas))
        self._record(update, replicas, tuple(statuses))
        ok = all(200 <= status < 300 for status in statuses)
        return web.Response(status=200 if ok else 502, text="ok" if ok else "replica failed")

    async def _forward_together(self, held: list[tuple[dict[str, object], bytes, str]]) -> None:
        statuses = await asyncio.gather(
            *(
                self._post(index % len(self.targets), body, secret)
                for index, (_, body, secret) in enumerate(held)
            )
        )
        for index, ((update, _, _), status) in enumerate(zip(held, statuses, strict=True)):
            self._record(update, (index % len(self.targets),), (status,))

    async def _post(self, replica: int, body: bytes, secret: str) -> int:
        assert self._http is not None
        headers = {"Content-Type": "application/json", SECRET_HEADER: secret}
        try:
            async with self._http.post(
                self.targets[replica] + PATH, data=body, headers=headers
            ) as response:
                await response.read()
                return response.status
        except aiohttp.ClientError:
            return 599

    def _record(
        self, update: dict[str, object], replicas: tuple[int, ...], statuses: tuple[int, ...]
    ) -> None:
        update_id = update["update_id"]
        assert isinstance(update_id, int)
        self.deliveries.append(Delivery(update_id, user_of(update), replicas, statuses))
        self._changed.set()


@dataclass
class Replica:
    """One bot process: `samenspraak run --webhook` on its own port."""

    name: str
    port: int
    metrics_port: int
    log_path: Path
    process: asyncio.subprocess.Process
    _log: IO[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    async def start(cls, name: str, workdir: Path, env: dict[str, str], public_url: str) -> Replica:
        workdir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        log_path = workdir / "bot.log"
        log = log_path.open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from bot.cli import main; main()",
            "run",
            "--webhook",
            "--listen",
            "127.0.0.1",
            "--port",
            str(port),
            "--url",
            public_url,
            cwd=workdir,  # no developer .env is read
            env=env,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
        return cls(name, port, int(env["SAMENSPRAAK_METRICS_PORT"]), log_path, process, log)

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def wait_ready(self, http: aiohttp.ClientSession) -> None:
        """Until the webhook receiver refuses a wrong secret with 403 (it is listening)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        while loop.time() < deadline:
            if self.process.returncode is not None:
                raise AssertionError(f"replica {self.name} exited:\n{self.log()}")
            with contextlib.suppress(aiohttp.ClientError):
                async with http.post(
                    self.url + PATH, data=b"{}", headers={SECRET_HEADER: "wrong"}
                ) as response:
                    if response.status == 403:
                        return
            await asyncio.sleep(0.1)
        raise AssertionError(f"replica {self.name} did not start:\n{self.log()}")

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        self._log.close()


def replica_env(settings: dict[str, str]) -> dict[str, str]:
    """The parent's environment without any SAMENSPRAAK_* setting, plus ``settings``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SAMENSPRAAK_")}
    env.update(settings)
    return env


async def wait_for(
    condition: Callable[[], Awaitable[bool]], what: str, timeout: float = 30.0
) -> None:
    """Poll ``condition`` until it holds (used for states only the database can tell)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"waited {timeout}s for {what}")
        await asyncio.sleep(0.05)
