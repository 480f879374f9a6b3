"""`LocalBotApi`: a local Telegram Bot API server with play users, on 127.0.0.1.

    async with LocalBotApi(token="123:TEST", bot_username="samenspraak_bot") as api:
        app = (ApplicationBuilder().token(api.token)
               .base_url(api.base_url).base_file_url(api.base_file_url).build())
        user = api.user(42, first_name="Anna")
        await user.send("/start")
        await user.wait_for_messages(1)

Extra pages (a playground) can be mounted before `start()` with `add_routes`, `add_subapp`, or
directly on `api.app`.
"""

from __future__ import annotations

import socket
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from tgstub import simulate
from tgstub.chats import ChatRecord
from tgstub.faults import Fault, Hold
from tgstub.http_botapi import STATE_KEY, add_botapi_routes
from tgstub.http_sim import build_sim_app
from tgstub.objects import Json
from tgstub.state import LocalState, commands_key
from tgstub.users import SimUser

SIM_PREFIX = "/_sim"
MAX_UPLOAD = 50 * 1024 * 1024  # Telegram's upload limit for bots


class LocalBotApi:
    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "test_bot",
        *,
        bot_name: str = "Test Bot",
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_retry_delay: float = 0.2,
        webhook_timeout: float = 30.0,
    ) -> None:
        self.state = LocalState(
            token=token,
            bot_username=bot_username,
            bot_name=bot_name,
            webhook_retry_delay=webhook_retry_delay,
            webhook_timeout=webhook_timeout,
        )
        self.host = host
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self.app = web.Application(client_max_size=MAX_UPLOAD)
        self.app[STATE_KEY] = self.state
        add_botapi_routes(self.app)
        self.app.add_subapp(SIM_PREFIX, build_sim_app())

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self._requested_port))
        except OSError:
            sock.close()
            raise
        self._port = sock.getsockname()[1]
        # Long polls are released on stop, so a short shutdown timeout is enough.
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        self._runner = runner
        await web.SockSite(runner, sock).start()

    async def stop(self) -> None:
        if self._runner is None:
            return
        self.state.queue.close()
        await self.state.webhook.close()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- addresses ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("LocalBotApi is not started")
        return self._port

    @property
    def url(self) -> str:
        """The server root, e.g. `http://127.0.0.1:8081`."""
        return f"http://{self.host}:{self.port}"

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def base_url(self) -> str:
        """For `ApplicationBuilder().base_url(...)`; PTB appends the token."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For `ApplicationBuilder().base_file_url(...)`; PTB appends the token."""
        return f"{self.url}/file/bot"

    @property
    def sim_url(self) -> str:
        return f"{self.url}{SIM_PREFIX}"

    def add_routes(self, routes: list[web.AbstractRouteDef]) -> None:
        """Mount extra routes (before `start()`); handlers reach the state via `STATE_KEY`."""
        self.app.add_routes(routes)

    def add_subapp(self, prefix: str, subapp: web.Application) -> None:
        self.app.add_subapp(prefix, subapp)

    # -- play users ---------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "nl",
    ) -> SimUser:
        """A play user in a private chat; calling it again returns the same chat."""
        chat = simulate.ensure_user(
            self.state,
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        return SimUser(self.state, chat)

    def raw_update(self, update: Json) -> Json:
        """Queue any update; an existing `update_id` is kept (simulates a redelivery)."""
        entry = self.state.push_update(update)
        return entry.update if entry is not None else update

    # -- faults -------------------------------------------------------------------------------

    def inject(
        self,
        method: str,
        error_code: int | None = 429,
        *,
        retry_after: float | None = None,
        times: int | None = 1,
        delay: float = 0.0,
        chat_id: int | None = None,
        description: str | None = None,
    ) -> Fault:
        """Make the next `times` calls of `method` ("*" = any) fail with `error_code` (429 gets
        `retry_after`, default 1) after `delay` seconds; `error_code=None` only delays.
        `times=None` never runs out. Returns the rule; its `hits` counts matched calls."""
        return self.state.faults.add(
            Fault(
                method=method.lower(),
                error_code=error_code,
                retry_after=retry_after,
                delay=delay,
                times=times,
                chat_id=chat_id,
                description=description,
            )
        )

    def clear_faults(self) -> None:
        self.state.faults.clear()

    def hold(self, chat_id: int) -> Hold:
        """Hold every Bot API call for ``chat_id`` until ``release()`` of the returned hold;
        its ``waiting`` counts the calls held right now."""
        return self.state.faults.hold(chat_id)

    def block(self, chat_id: int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends to the chat get 403 `bot was blocked by the user`."""
        simulate.set_blocked(self.state, self._chat(chat_id), True, notify=notify)

    def unblock(self, chat_id: int, *, notify: bool = True) -> None:
        simulate.set_blocked(self.state, self._chat(chat_id), False, notify=notify)

    # -- inspection ---------------------------------------------------------------------------

    @property
    def calls(self) -> dict[str, int]:
        """How often each Bot API method (lower-case name) was called."""
        return dict(self.state.calls)

    @property
    def call_log(self) -> list[tuple[str, int | str | None]]:
        """Every Bot API call so far, in order: (lower-case method name, its chat_id or None)."""
        return list(self.state.call_log)

    @property
    def pending_updates(self) -> int:
        return len(self.state.queue)

    @property
    def polls_waiting(self) -> int:
        """getUpdates requests parked here, waiting for an update (0 or 1 for one bot)."""
        return self.state.queue.polls_waiting

    async def until_no_pending_updates(self, timeout: float = 10.0) -> None:
        """Wait until the bot has taken every queued update: confirmed by a later getUpdates
        offset (polling) or answered 2xx (webhook). With polling that is when the bot holds
        them, not when it has handled them: per-user order makes a later update of the same
        user, once answered, the proof that the earlier ones are done."""
        queue = self.state.queue
        if not await queue.activity.wait_until(lambda: len(queue) == 0, timeout):
            raise TimeoutError(f"{len(queue)} update(s) still pending after {timeout}s")

    async def until_polls_waiting(self, count: int, timeout: float = 10.0) -> None:
        """Wait until ``count`` getUpdates requests are parked here with nothing to hand out."""
        queue = self.state.queue
        if not await queue.activity.wait_until(lambda: queue.polls_waiting == count, timeout):
            raise TimeoutError(f"{queue.polls_waiting} long poll(s) waiting after {timeout}s")

    def webhook_info(self) -> Json:
        return self.state.webhook.info()

    def commands(self, scope: Any = None, language_code: str = "") -> list[Json]:
        """The commands set with setMyCommands for exactly this scope and language."""
        return list(self.state.commands.get(commands_key(scope, language_code), []))

    def _chat(self, chat_id: int) -> ChatRecord:
        chat = self.state.chats.get(chat_id)
        if chat is None:
            raise KeyError(f"unknown chat {chat_id}")
        return chat
