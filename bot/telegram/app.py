"""Build and run the python-telegram-bot ``Application``."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults

from bot.chat import menu
from bot.chat.dialog import Dialog
from bot.chat.menu import translated
from bot.chat.view import html
from bot.config import Settings
from bot.errors import ConfigError
from bot.i18n import N_, SUPPORTED_LOCALES
from bot.logging import configure_logging
from bot.ops.instrument import (
    InstrumentedApplication,
    instrumented_request,
    tls_context,
    updates_request,
)
from bot.privacy.retention import purge
from bot.privacy.sealed import ChatSeal
from bot.runtime import WARM_UP_AFTER_SECONDS, Runtime, due_reminders, freeze_long_lived
from bot.telegram.feedback import POLL_SECONDS, send_pending
from bot.telegram.handlers import register_handlers
from bot.telegram.outbox import SWEEP_EVERY, OutboxSender
from bot.telegram.polling import CommittedPolling
from bot.telegram.throttle import PerUserUpdateProcessor
from bot.translate import translator
from storage.db import compact, is_sqlite

if TYPE_CHECKING:
    # aiohttp's server (0.15 s to import) is loaded only for the ops server and webhook mode.
    from aiohttp import web

log = logging.getLogger(__name__)
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
# Edited messages only for first aid (bot.telegram.handlers.on_edit).
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]

DEFAULTS = Defaults(
    parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
)


def build_application(runtime: Runtime, ops: tuple[str, int] | None = None) -> AnyApplication:
    """The bot; with ``ops`` (host, port) also the /healthz and /metrics server."""
    settings = runtime.settings
    assert settings.telegram_token is not None
    dialog = Dialog(runtime)
    sender = OutboxSender(
        runtime.sessions,
        ChatSeal(runtime.pepper),
        timedelta(seconds=settings.outbox_hold_seconds),
    )
    ops_runners: list[web.AppRunner] = []

    async def post_init(application: AnyApplication) -> None:
        await runtime.prepare()
        # Replies a crash left behind go out before any new update is fetched; with SQLite this
        # is the only process, so every row is a leftover.
        await sender.sweep(application.bot, everything=is_sqlite(settings.resolved_database_url))
        if runtime.bot_username is None:
            runtime.bot_username = application.bot.username
        await set_commands(application)
        if ops is not None:
            from bot.ops.server import start_ops_server

            try:
                ops_runners.append(await start_ops_server(runtime, *ops))
            except OSError as error:  # port taken: keep serving users; the health probe fails
                log.error("ops server not started on %s:%s: %s", *ops, error.strerror)

    async def post_shutdown(_: AnyApplication) -> None:
        for runner in ops_runners:
            await runner.cleanup()
        await runtime.close()

    tls = tls_context(settings.telegram_api_url, settings.telegram_file_url)
    application = (
        ApplicationBuilder()
        # Metrics without touching the handlers: timed process_update, counted sends and 429s.
        .application_class(InstrumentedApplication)
        .request(instrumented_request(tls=tls))
        .get_updates_request(updates_request(tls))
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        # Everything the bot sends is HTML (escaped by bot.chat.view); links get no preview.
        .defaults(DEFAULTS)
        # Waits out 429 flood limits (retry_after) instead of dropping messages.
        .rate_limiter(
            AIORateLimiter(overall_max_rate=settings.max_messages_per_second, max_retries=5)
        )
        # Several users at once, each user's updates in order; SQLite has one writer anyway.
        .concurrent_updates(
            PerUserUpdateProcessor(1 if is_sqlite(settings.resolved_database_url) else 16)
        )
        # No PTB Updater: it confirms updates before they are handled (see bot.telegram.polling).
        .updater(None)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    register_handlers(application, dialog, sender)
    application.add_error_handler(on_error)
    schedule_jobs(application, runtime, sender)
    return application


REMINDER = N_(
    "Het is tijd voor de periodieke reflectie van je werkgroep: helpt wat we doen? "
    "Tik op /stap en kies de stap over meten, bijsturen of leren en verbeteren."
)


def schedule_jobs(application: AnyApplication, runtime: Runtime, sender: OutboxSender) -> None:
    """Daily retention: cut pseudonym links of campaigns that are over (see bot.privacy);
    hourly reminders; every few seconds the outbox rows nobody delivered (see bot.telegram.outbox);
    once, soon after start-up, the warm-up (:meth:`Runtime.warm_up`).
    """

    async def outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
        await sender.sweep(context.bot, everything=False)

    async def warm_up(_: ContextTypes.DEFAULT_TYPE) -> None:
        await asyncio.to_thread(runtime.warm_up)

    async def retention(_: ContextTypes.DEFAULT_TYPE) -> None:
        async with runtime.sessions.begin() as session:
            report = await purge(session, runtime.settings.retention_days)
        if report.campaigns_cut:
            await compact(runtime.database)  # the cut's deleted rows leave the SQLite file
        log.info("retention: %s campaign(s) cut", report.campaigns_cut)

    async def reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
        for user_id, locale in await due_reminders(runtime):
            t = translator(locale)
            try:
                await context.bot.send_message(user_id, html(t, REMINDER, {}))
            except TelegramError:
                log.info("reminder not delivered")

    sending = asyncio.Lock()

    async def feedback(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Queued feedback (#17.5) to the participants who opted in; one run at a time."""
        if sending.locked():
            return
        async with sending:
            sent = await send_pending(context.bot, runtime)
        if sent:
            log.info("feedback: %s message(s) sent", sent)

    assert application.job_queue is not None
    application.job_queue.run_repeating(
        retention, interval=timedelta(days=1), first=60, name="retention"
    )
    application.job_queue.run_repeating(
        feedback, interval=POLL_SECONDS, first=POLL_SECONDS, name="feedback"
    )
    application.job_queue.run_repeating(
        reminders, interval=timedelta(hours=1), first=30, name="reminders"
    )
    application.job_queue.run_repeating(
        outbox, interval=SWEEP_EVERY, first=SWEEP_EVERY, name="outbox"
    )
    # The theme matchers and redaction lists, off the first free-text answer's path.
    application.job_queue.run_once(warm_up, when=WARM_UP_AFTER_SECONDS, name="warm-up")


async def set_commands(application: AnyApplication) -> None:
    # The default menu is the participants'; members and coordinators get their own per chat
    # (bot.chat.menu). One request per language, sent at once: start-up waits for them.
    requests = []
    for locale in SUPPORTED_LOCALES:
        commands = [
            BotCommand(name, text)
            for name, text in translated(menu.PARTICIPANT, translator(locale))
        ]
        language = None if locale == "nl" else locale
        requests.append(application.bot.set_my_commands(commands, language_code=language))
    await asyncio.gather(*requests)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One short plain-language message; the log names the error type, never message text."""
    error = context.error
    log.error(
        "update failed: %s",
        type(error).__name__,
        exc_info=error if not isinstance(error, TelegramError) else None,
    )
    if isinstance(update, Update) and update.effective_chat is not None:
        t = translator(_locale_of(update))
        try:
            await context.bot.send_message(
                update.effective_chat.id,
                html(
                    t,
                    N_(
                        "Sorry, er ging iets mis aan onze kant. Wat je eerder gaf, is bewaard. "
                        "Tik over een paar minuten op /start om verder te gaan waar je was."
                    ),
                    {},
                ),
            )
        except TelegramError:
            log.warning("could not send the error notice")


def _locale_of(update: Update) -> str:
    user = update.effective_user
    code = (user.language_code or "nl").split("-")[0] if user else "nl"
    return code if code in SUPPORTED_LOCALES else "nl"


def run_bot(
    settings: Settings,
    *,
    webhook: bool = False,
    listen: str = "0.0.0.0",
    port: int = 8443,
    url: str | None = None,
) -> None:
    configure_logging(settings.log_level)
    runtime = Runtime.build(settings)
    runtime.freeze_after_warm_up = True
    ops = (settings.metrics_host, settings.metrics_port) if settings.metrics_port else None
    application = build_application(runtime, ops)
    freeze_long_lived()
    if not webhook:
        asyncio.run(_poll_until_signal(application))
        return
    if not url:
        raise ConfigError("--url is needed with --webhook (the public https address)")
    if settings.webhook_secret is None:
        raise ConfigError("SAMENSPRAAK_WEBHOOK_SECRET is needed in webhook mode")
    asyncio.run(
        _serve_until_signal(
            application, settings.webhook_secret.get_secret_value(), listen, port, url
        )
    )


async def _poll_until_signal(application: AnyApplication) -> None:
    """Long polling until SIGTERM or SIGINT, then a graceful shutdown."""
    stop = _stop_on_signals()
    async with polling(application):
        await stop.wait()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop


async def _serve_until_signal(
    application: AnyApplication, secret: str, listen: str, port: int, url: str
) -> None:
    """Webhook mode until SIGTERM or SIGINT (``docker stop``): then a graceful shutdown."""
    stop = _stop_on_signals()
    await serve_webhook(application, secret, listen, port, url, stop)


async def serve_webhook(
    application: AnyApplication,
    secret: str,
    listen: str,
    port: int,
    url: str,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until ``stop`` is set (or forever): register the webhook, receive, shut down."""
    # One fixed path: replicas behind a load balancer must all accept what Telegram posts.
    path = "/telegram"
    async with application:
        # The same start-up and shutdown hooks as run_polling (migrations, commands, username).
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        from aiohttp import web

        from bot.telegram.webhook import webhook_app

        runner = web.AppRunner(webhook_app(application, secret, path))
        await runner.setup()
        site = web.TCPSite(runner, listen, port)
        await site.start()
        await application.bot.set_webhook(
            url.rstrip("/") + path, secret_token=secret, allowed_updates=ALLOWED_UPDATES
        )
        try:
            await (stop.wait() if stop is not None else asyncio.Event().wait())
        finally:
            await runner.cleanup()
            await application.stop()
            if application.post_shutdown is not None:
                await application.post_shutdown(application)


@asynccontextmanager
async def polling(application: AnyApplication, timeout: int = 10) -> AsyncIterator[AnyApplication]:
    """Run the bot by long polling inside the current event loop: the start-up and shutdown
    hooks of PTB's ``run_polling``, with updates confirmed only once handled."""
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        poller = CommittedPolling(application, timeout=timeout, allowed_updates=ALLOWED_UPDATES)
        await application.start()
        await poller.start()
        try:
            yield application
        finally:
            await poller.stop()
            await application.stop()
            if application.post_shutdown is not None:
                await application.post_shutdown(application)
