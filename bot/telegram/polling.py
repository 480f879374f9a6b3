"""Long polling that confirms an update to Telegram only after it was handled.

Why not PTB's ``Updater``: it confirms updates (``offset`` = last id + 1) on its next
``getUpdates``, as soon as it has put them on the queue, before any handler ran. A process
killed in between loses them, because Telegram never hands out a confirmed update again; after a
burst of answers that was most of the burst.

Telegram keeps an unconfirmed update for 24 hours and returns it on every ``getUpdates`` whose
``offset`` does not pass it. The update id is claimed in the same transaction as the answer
(``storage.repo.claim_update``), so an update that is delivered again after its transaction
committed is recognised and skipped, and one whose transaction never committed is handled now.
Confirming only what is finished therefore gives exactly-once handling, the same guarantee as the
webhook (which answers 200 only after the update was handled, see ``bot.telegram.webhook``).

So this loop

* asks with ``offset`` = the lowest update id still being handled, or one past the highest id
  it has seen when nothing is running: only the contiguous prefix of finished updates is
  confirmed, never an update that a later, faster user overtook;
* skips what it already holds (``getUpdates`` returns running updates again until confirmed),
  before parsing: PTB's ``get_updates`` turns every returned update into objects, and under
  load most of them are the ones still in hand, asked for every ``RECHECK`` seconds (parsing
  them again and again was about 45 % of the bot's CPU in a 60-user closed loop, see
  docs/performance.md); so the loop fetches the raw list and parses only what is new;
* hands each new update to the application's update processor (in order per user, concurrent
  across users, see ``bot.telegram.throttle``).

"Finished" means the update's transaction committed (``bot.telegram.turns``; its replies are in
the outbox by then, so a crash after the commit still gets them delivered, and a reply hanging at
the Bot API does not hold up the offset), or the handlers returned without a commit, also when
one failed and the error handler told the user (as the webhook answers 200 then): only a crash
leaves an update unconfirmed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ExtBot

from bot.telegram.turns import on_commit

log = logging.getLogger(__name__)
AnyApplication = Application[Any, Any, Any, Any, Any, Any]

# At most this many updates in hand at once; beyond it the loop waits for some to finish.
MAX_IN_HAND = 1024
# While updates run, getUpdates answers at once, with every update still in hand (they are still
# pending): ask again after this long (or once none runs), to fetch what arrived meanwhile and to
# confirm what finished, without parsing the same updates over and over.
RECHECK = 0.05
# ... plus this much per update in hand: each answer repeats them all, so the parsing per second
# stays bounded however many run (at 60 in hand: every 0.17 s; a new update then waits less
# than it queues behind those 60).
RECHECK_PER_HELD = 0.002
# PTB's get_updates adds the request's read timeout to the long-poll timeout; the same here
# (PTB's default read timeout, which bot.ops.instrument.updates_request keeps).
READ_TIMEOUT = 5.0


_ACTIVE: weakref.WeakKeyDictionary[AnyApplication, CommittedPolling] = weakref.WeakKeyDictionary()


def polling_of(application: AnyApplication) -> CommittedPolling | None:
    """The polling loop started for ``application``, if any (health checks, tests)."""
    return _ACTIVE.get(application)


class CommittedPolling:
    """``start()`` / ``stop()`` around a getUpdates loop that confirms only finished updates."""

    def __init__(
        self,
        application: AnyApplication,
        *,
        timeout: int = 10,
        allowed_updates: Sequence[str] | None = None,
        limit: int = 100,
    ) -> None:
        self.application = application
        self.timeout = timeout
        self.allowed_updates = list(allowed_updates) if allowed_updates is not None else None
        self.limit = limit
        self._running: set[int] = set()  # update ids whose handlers have not returned yet
        self._finished: set[int] = set()  # finished but not yet confirmed (behind a running one)
        self._highest = -1  # the highest update id handed to the application
        self._changed = asyncio.Event()
        self._stopping = False
        self._loop_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def running(self) -> bool:
        return self._loop_task is not None and not self._loop_task.done()

    @property
    def offset(self) -> int | None:
        """What ``getUpdates`` confirms: everything below the lowest running update."""
        if self._running:
            return min(self._running)
        return self._highest + 1 if self._highest >= 0 else None

    async def start(self) -> None:
        # A webhook left from webhook mode would make every getUpdates fail with 409; its
        # pending updates stay and are fetched here.
        await self.application.bot.delete_webhook(drop_pending_updates=False)
        self._stopping = False
        self._loop_task = asyncio.create_task(self._loop(), name="committed-polling")
        _ACTIVE[self.application] = self

    async def stop(self) -> None:
        """Stop fetching, let the running updates finish, then confirm them."""
        self._stopping = True
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
            self._loop_task = None
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        offset = self.offset
        if offset is not None:
            with contextlib.suppress(TelegramError):
                await self.application.bot.get_updates(offset=offset, limit=1, timeout=0)

    async def _loop(self) -> None:
        delay = 0.0
        while not self._stopping:
            if delay:
                await asyncio.sleep(delay)
            if len(self._running) >= MAX_IN_HAND:
                await self._wait_for_change(None)
                continue
            offset = self.offset
            try:
                raw = await self._fetch(offset, 0 if self._running else self.timeout)
            except InvalidToken:
                raise
            except RetryAfter as error:
                delay = _seconds(error.retry_after)
                continue
            except Conflict:
                log.warning("another getUpdates is running (a second instance?); retrying")
                delay = 1.0
                continue
            except (NetworkError, TelegramError) as error:
                log.info("getUpdates failed (%s); retrying", type(error).__name__)
                delay = min(max(delay * 2, 0.5), 10.0)
                continue
            delay = 0.0
            self._forget_confirmed(offset)
            held = self._running | self._finished
            for data in raw:
                if data["update_id"] not in held:
                    self._dispatch(self._parse(data))
            if self._running:
                # Each answer repeats every update still in hand, so ask at most every RECHECK
                # seconds (and longer the more are in hand) while updates run; at once when
                # none is left (then a long poll).
                await self._wait_until_idle(RECHECK + RECHECK_PER_HELD * len(self._running))

    async def _fetch(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        """``getUpdates`` as JSON, not yet parsed (see the module docstring for why).

        Through ``Bot._post``, the path PTB's own ``get_updates`` takes (rate limiter, request
        objects, error mapping); the public ``do_api_request`` would warn that a method exists.
        """
        data = {
            "offset": offset,
            "limit": self.limit,
            "timeout": timeout,
            "allowed_updates": self.allowed_updates,
        }
        result = await self.application.bot._post(
            "getUpdates", data, read_timeout=READ_TIMEOUT + timeout
        )
        return result if isinstance(result, list) else []

    def _parse(self, data: dict[str, Any]) -> Update:
        bot = self.application.bot
        update = Update.de_json(data, bot)
        if isinstance(bot, ExtBot):
            bot.insert_callback_data(update)  # as ExtBot.get_updates does (arbitrary callbacks)
        return update

    def _dispatch(self, update: Update) -> None:
        self._running.add(update.update_id)
        self._highest = max(self._highest, update.update_id)
        task = asyncio.create_task(self._handle(update), name=f"update-{update.update_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, update: Update) -> None:
        application = self.application

        def done() -> None:
            if update.update_id in self._running:
                self._running.discard(update.update_id)
                self._finished.add(update.update_id)
                self._changed.set()

        try:
            # Confirmable from its commit on: the replies are in the outbox by then.
            with on_commit(done):
                await application.update_processor.process_update(
                    update, application.process_update(update)
                )
        except Exception:  # the error handler already ran for handler errors
            log.exception("update not handled")
        finally:
            done()

    def _forget_confirmed(self, offset: int | None) -> None:
        """Ids below ``offset`` were confirmed by the call that just returned; ids that finished
        during that call are still pending there and may come back in its answer."""
        if offset is not None:
            self._finished = {u for u in self._finished if u >= offset}

    async def _wait_until_idle(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._running and (left := deadline - loop.time()) > 0:
            await self._wait_for_change(left)

    async def _wait_for_change(self, timeout: float | None) -> None:
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
