"""Fixtures for the local Bot API tests: a running server and the real PTB Application."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import aiohttp
import pytest
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from tgstub import LocalBotApi

TOKEN = "123456:TEST-local-api"
BOT_USERNAME = "samenspraak_test_bot"

RunApp = Callable[[Application], AbstractAsyncContextManager[list[BaseException]]]


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns (an error here) when it builds RetryAfter unless timedeltas are opted in."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(
        token=TOKEN, bot_username=BOT_USERNAME, webhook_retry_delay=0.05
    ) as server:
        yield server


@pytest.fixture
def builder(api: LocalBotApi) -> ApplicationBuilder:
    return (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
    )


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def _collect_errors(app: Application) -> list[BaseException]:
    errors: list[BaseException] = []

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            errors.append(context.error)

    app.add_error_handler(on_error)
    return errors


@pytest.fixture
def polling() -> RunApp:
    """Run an Application in polling mode; yields the handler errors it collected."""

    @asynccontextmanager
    async def run(app: Application) -> AsyncIterator[list[BaseException]]:
        errors = _collect_errors(app)
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=2)
            try:
                yield errors
            finally:
                await app.updater.stop()
                await app.stop()

    return run


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def webhook() -> Callable[[Application, str], AbstractAsyncContextManager[list[BaseException]]]:
    """Run an Application with PTB's own webhook server, registered with `secret`."""

    @asynccontextmanager
    async def run(app: Application, secret: str) -> AsyncIterator[list[BaseException]]:
        errors = _collect_errors(app)
        port = free_port()
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_webhook(
                listen="127.0.0.1",
                port=port,
                url_path="hook",
                webhook_url=f"http://127.0.0.1:{port}/hook",
                secret_token=secret,
            )
            try:
                yield errors
            finally:
                await app.updater.stop()
                await app.stop()

    return run
