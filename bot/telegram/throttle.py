"""Per-user flood protection and per-user ordering, in memory at the edge.

A user who sends more than ``limit`` updates within ``window`` seconds is throttled: their
extra updates are dropped before they reach the database, and they get one polite notice per
flood. Other users are not slowed down, because updates are processed concurrently across users
(while one user's updates stay strictly in order, see :class:`PerUserUpdateProcessor`).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.i18n import N_
from bot.telegram.turns import on_commit

FLOOD_NOTICE = N_(
    "Rustig aan: je stuurt te veel berichten tegelijk. Wacht even en stuur dan je antwoord opnieuw."
)


# Every this many updates, users quiet for a whole window are forgotten (memory stays bounded).
FORGET_EVERY = 256
# A hard bound on the users tracked at once (about 200 bytes each): beyond it, the users seen
# longest ago are forgotten first, even within their window (a flood of many fake accounts
# must not grow memory without limit).
MAX_TRACKED = 50_000


@dataclass
class Throttle:
    limit: int = 20
    window: float = 10.0
    _seen: dict[int, deque[float]] = field(default_factory=dict)
    _notified: dict[int, float] = field(default_factory=dict)
    _calls: int = 0
    max_tracked: int = MAX_TRACKED

    def check(self, user_id: int, now: float | None = None) -> tuple[bool, bool]:
        """(allowed, notify): whether to handle this update, and whether to send the notice."""
        now = time.monotonic() if now is None else now
        self._calls += 1
        if self._calls % FORGET_EVERY == 0:
            self.forget_idle(now)
        if user_id not in self._seen and len(self._seen) >= self.max_tracked:
            self._forget_oldest()
        stamps = self._seen.setdefault(user_id, deque())
        while stamps and now - stamps[0] > self.window:
            stamps.popleft()
        if len(stamps) < self.limit:
            stamps.append(now)
            self._notified.pop(user_id, None)
            return True, False
        first_notice = user_id not in self._notified
        self._notified[user_id] = now
        return False, first_notice

    def forget_idle(self, now: float | None = None) -> None:
        """Drop users without recent updates, so memory does not grow with every user ever seen."""
        now = time.monotonic() if now is None else now
        for user_id in [u for u, s in self._seen.items() if not s or now - s[-1] > self.window]:
            self._seen.pop(user_id, None)
            self._notified.pop(user_id, None)

    def _forget_oldest(self) -> None:
        """Drop the first-seen tenth (dicts keep insertion order), so this runs rarely."""
        for user_id in list(self._seen)[: max(1, self.max_tracked // 10)]:
            self._seen.pop(user_id, None)
            self._notified.pop(user_id, None)


# How many updates may be admitted at once (running, or waiting for their user's turn).
ADMITTED = 1024


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across users, in order per user; polling and the webhook both use it.

    PTB's ``concurrent_updates(True)`` may reorder one user's updates; here each user's updates
    wait on that user's lock, acquired in arrival order (asyncio locks are FIFO). The cap counts
    only updates that *run*: PTB's own bound is taken before this processor sees an update, so
    with that bound as the cap a user's queued updates would hold the slots and a flooding user
    would hold up everybody else. With a cap of 1 PTB handles updates one after the other.
    """

    def __init__(self, max_concurrent_updates: int = 32) -> None:
        super().__init__(1 if max_concurrent_updates == 1 else ADMITTED)
        self._running = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _user_of(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        held = False

        def release() -> None:
            nonlocal held
            if held:
                held = False
                self._running.release()
                lock.release()

        try:
            await lock.acquire()
            try:
                await self._running.acquire()
            except BaseException:
                lock.release()
                raise
            held = True
            # Once the update is committed the user's next update may start (see turns).
            with on_commit(release):
                await coroutine
        finally:
            release()
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _user_of(update: object) -> int:
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return 0
