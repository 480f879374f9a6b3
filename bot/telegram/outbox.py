"""Deliver the outbox: the replies of committed updates, in order per chat, then delete them.

The handler that committed an update delivers its replies at once (the fast path; the button
press is answered first) while it still holds the user's turn (``PerUserUpdateProcessor``), so
one user's replies go out in order. The row stays held by this process for ``hold`` seconds; if
the process crashes or a send fails, the row outlives the hold and a sender takes it over
(``storage.outbox.take_over``): at start-up, before any update is fetched, and then every few
seconds. Delivery is at least once: a crash between a send and the delete repeats that row's
messages (Telegram's sendMessage has no idempotency key to deduplicate on).

On SQLite there is only one process, so at start-up every row is a leftover and is taken over
regardless of its hold.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta

from telegram import Bot, CallbackQuery
from telegram.error import BadRequest, TelegramError

from bot.chat.dialog import OutboxSlot
from bot.chat.events import Out, Toast
from bot.chat.wire import load_outs
from bot.privacy.sealed import ChatSeal, SealError
from bot.telegram.deliver import deliver
from bot.telegram.turns import committed
from storage import fast
from storage import outbox as outbox_repo
from storage.handles import DatabaseError, Sessions
from storage.models import utcnow

log = logging.getLogger(__name__)

HOLD = timedelta(seconds=30)
SWEEP_EVERY = 5.0


class OutboxSender:
    def __init__(self, sessions: Sessions, seal: ChatSeal, hold: timedelta = HOLD) -> None:
        self.sessions = sessions
        self.seal = seal
        self.hold = hold
        # Rows delivered whose deletion failed (database gone for a moment): deleted later,
        # never delivered again by this process.
        self._delivered: set[int] = set()
        self._deleting: asyncio.Future[None] | None = None
        self.deletions = 0  # transactions that deleted delivered rows
        # One sender per chat inside this process; entries are dropped when unused.
        self._chat_locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    def slot(self, chat_id: int) -> OutboxSlot:
        return OutboxSlot(self.seal.seal(chat_id), utcnow() + self.hold)

    async def deliver_now(
        self,
        bot: Bot,
        chat_id: int,
        outs: Sequence[Out],
        outbox_id: int | None,
        query: CallbackQuery | None = None,
    ) -> None:
        """The fast path, right after the commit: the toast first, then the stored replies.

        The place in the chat's queue is taken before the user's turn is given up
        (:func:`committed`), so the user's next update, which may now run, replies after this one.
        """
        turn = self._chat(chat_id)
        queued = asyncio.ensure_future(turn.__aenter__())  # FIFO: tasks start in creation order
        committed()
        try:
            await queued
        except BaseException:
            queued.cancel()
            raise
        try:
            toasts = [out for out in outs if isinstance(out, Toast)]
            if query is not None and toasts:
                try:
                    await deliver(bot, chat_id, toasts, query)
                except BadRequest as error:  # a press too old to answer: the replies still go
                    log.info("button press not answered: %s", error.message)
            rest = [out for out in outs if not isinstance(out, Toast)]
            await deliver(bot, chat_id, rest)
            if outbox_id is not None:
                await self._forget([outbox_id])
        finally:
            await turn.__aexit__()

    async def _forget(self, ids: list[int]) -> None:
        """Delete delivered rows. The user has the replies now, so a database that fails here
        is no error of the update: the ids are remembered and deleted (never sent again) later.

        Deletions coalesce: while one is running, the ids delivered meanwhile wait for it and go
        in the next one, so under load many replies cost one short transaction instead of one
        each. Returns when ``ids`` are deleted (or the attempt failed)."""
        self._delivered.update(ids)
        if self._deleting is None or self._deleting.done():
            self._deleting = asyncio.ensure_future(self._delete_delivered())
        # Shielded: a cancelled caller must not stop the deletion of the others' rows.
        await asyncio.shield(self._deleting)

    async def _delete_delivered(self) -> None:
        while self._delivered:
            batch = sorted(self._delivered)
            try:
                async with fast.unit_of_work(self.sessions) as session:
                    await outbox_repo.sent(session, batch)
            except (DatabaseError, OSError) as error:
                log.warning("delivered outbox rows not deleted yet: %s", type(error).__name__)
                return
            self._delivered.difference_update(batch)
            self.deletions += 1

    async def sweep(self, bot: Bot, everything: bool) -> int:
        """Deliver the rows whose hold ran out (``everything``: all rows, at SQLite start-up);
        returns how many rows were delivered."""
        if self._delivered:
            await self._forget([])
        now = utcnow()
        async with self.sessions.begin() as session:
            rows = await outbox_repo.take_over(
                session,
                now + (timedelta(days=3650) if everything else timedelta()),
                now + self.hold,
            )
        chats: dict[int, list[outbox_repo.Pending]] = {}
        for row in rows:
            try:
                chats.setdefault(self.seal.open(row.chat), []).append(row)
            except SealError:
                log.error("outbox row sealed with another pepper; dropped")
                async with self.sessions.begin() as session:
                    await outbox_repo.sent(session, [row.id])
        results = await asyncio.gather(
            *(self._deliver_chat(bot, chat_id, chat_rows) for chat_id, chat_rows in chats.items()),
            return_exceptions=True,
        )
        return sum(r for r in results if isinstance(r, int))

    async def _deliver_chat(
        self,
        bot: Bot,
        chat_id: int,
        rows: list[outbox_repo.Pending],
    ) -> int:
        done = 0
        async with self._chat(chat_id):
            for row in rows:
                if row.id not in self._delivered:
                    try:
                        await deliver(bot, chat_id, load_outs(row.body))
                    except TelegramError as error:
                        # Held for another ``hold``; the next sweep tries again, in order.
                        log.info("outbox delivery failed (%s); retried later", type(error).__name__)
                        return done
                    done += 1
                await self._forget([row.id])
        return done

    def _chat(self, chat_id: int) -> _ChatTurn:
        return _ChatTurn(self._chat_locks, chat_id)


class _ChatTurn:
    """The per-chat lock; removed from the table once nobody holds or awaits it (bounded)."""

    def __init__(self, locks: dict[int, tuple[asyncio.Lock, list[int]]], chat_id: int) -> None:
        self.locks = locks
        self.chat_id = chat_id
        self.lock, self.users = locks.setdefault(chat_id, (asyncio.Lock(), [0]))
        self.users[0] += 1

    async def __aenter__(self) -> None:
        try:
            await self.lock.acquire()
        except BaseException:
            self._leave()
            raise

    async def __aexit__(self, *_: object) -> None:
        self.lock.release()
        self._leave()

    def _leave(self) -> None:
        self.users[0] -= 1
        if self.users[0] == 0:
            self.locks.pop(self.chat_id, None)
