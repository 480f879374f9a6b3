"""Send queued feedback (#17.5) to the participants who opted in, paced within Telegram's limits.

A coordinator queues feedback with ``/terugkoppeling`` or ``samenspraak terugkoppeling
--verstuur``; this sender, run every few seconds by the bot's job queue, takes the campaign's
opt-ins in small batches. Each batch is deleted in its own transaction *before* it is sent (two
replicas never send twice; a crash loses at most one batch rather than sending it twice), the
chat ids are decrypted, and the messages go out at most ``MAX_RATE`` per second (Telegram allows
about 30 overall; the rate limiter also waits out any 429). A chat that blocked the bot, or a
value that no longer decrypts (pepper rotated), is skipped. When no opt-in is left the feedback
is marked sent, and the campaign's web page shows it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot
from telegram.error import RetryAfter, TelegramError

from bot.chat.optin import feedback_message
from bot.chat.view import html
from bot.i18n import N_
from bot.privacy.optin import decrypt_chat
from bot.runtime import Runtime
from bot.translate import translator
from storage import feedback as stored

log = logging.getLogger(__name__)

MAX_RATE = 25.0  # messages per second, below Telegram's ~30 overall
BATCH = 25
POLL_SECONDS = 3.0
DONE = N_("De terugkoppeling is verstuurd aan wie erom vroeg. Zij staan nu niet meer op de lijst.")


@dataclass
class Pacer:
    """At most ``rate`` starts per second: each send waits for its slot (``clock`` and
    ``sleep`` are replaceable so the spacing can be tested without waiting)."""

    rate: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _next: float = 0.0

    async def wait(self) -> float:
        """Wait for the next slot; the time it starts."""
        now = self.clock()
        if self._next > now:
            await self.sleep(self._next - now)
            now = self._next
        self._next = now + 1.0 / self.rate
        return now


async def send_pending(bot: Bot, runtime: Runtime, rate: float = MAX_RATE) -> int:
    """Send every queued feedback; the number of messages delivered."""
    delivered = 0
    pacer = Pacer(rate)
    while True:
        async with runtime.sessions.begin() as session:
            pending = await stored.next_pending(session)
        if pending is None:
            return delivered
        delivered += await _send_one(bot, runtime, pending, pacer)


async def _send_one(bot: Bot, runtime: Runtime, pending: stored.Pending, pacer: Pacer) -> int:
    delivered = 0
    formal = pending.audience == "ouders"
    default = runtime.settings.default_locale
    while True:
        async with runtime.sessions.begin() as session:
            chats = await stored.claim_optins(session, pending.campaign_id, BATCH)
            targets = []
            for sealed in chats:
                chat_id = decrypt_chat(runtime.pepper, pending.campaign_id, sealed)
                if chat_id is None:
                    continue
                locale = await stored.locale_of(session, runtime.subject(str(chat_id)))
                targets.append((chat_id, locale or default))
            if not chats:
                marked = await stored.mark_sent(session, pending.id)
                writer = await stored.writer_chat(session, pending.written_by) if marked else None
                break
        for chat_id, locale in targets:
            text = feedback_message(translator(locale), formal, pending.werkgroep, pending.text)
            if await _send(bot, chat_id, text, pacer):
                delivered += 1
    if writer is not None:  # the coordinator hears that it is done (no count: a figure)
        user_id, locale = writer
        await _send(bot, user_id, html(translator(locale or default), DONE, {}), pacer)
    return delivered


async def _send(bot: Bot, chat_id: int, text: str, pacer: Pacer) -> bool:
    for _ in range(3):
        await pacer.wait()
        try:
            await bot.send_message(chat_id, text)
            return True
        except RetryAfter as error:  # the rate limiter gave up: wait as told, then once more
            retry = error.retry_after
            await asyncio.sleep(retry if isinstance(retry, int | float) else retry.total_seconds())
        except TelegramError as error:  # blocked, chat gone: nothing to retry
            log.info("feedback not delivered: %s", type(error).__name__)
            return False
    return False
