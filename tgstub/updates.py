"""The pending-update queue behind getUpdates and webhook delivery.

Telegram semantics: an update stays pending until it is confirmed by a getUpdates call with a
higher `offset` (polling) or acknowledged with a 2xx by the webhook. One deliberate
relaxation: only updates that were already handed out can be confirmed by `offset`. That keeps
Telegram's behaviour for every normal flow and still lets a test re-inject an update with an old
`update_id` (a redelivery) and see it arrive again.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tgstub.errors import ApiError
from tgstub.objects import DEFAULT_UPDATE_TYPES, Json, update_chat_key, update_kind
from tgstub.signal import Signal

CONFLICT_OTHER_POLL = ApiError(
    409,
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
)
CONFLICT_WEBHOOK = ApiError(
    409,
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first",
)


@dataclass(eq=False)
class PendingUpdate:
    seq: int
    update_id: int
    update: Json
    body: bytes  # encoded once; both getUpdates and the webhook send these bytes
    chat_key: int | str
    handed_out: bool = False


class UpdateQueue:
    def __init__(self) -> None:
        self._pending: dict[int, PendingUpdate] = {}
        self._seq = itertools.count(1)
        # Like Telegram's, ids keep increasing across restarts of the server (here: seeded from
        # the clock), so a bot that remembers processed ids does not mistake new updates for old.
        self._next_update_id = int(time.time() * 10) % 2**31
        self._signal = Signal()
        # Wakes tests waiting for the queue to drain or for a long poll to be parked here.
        self.activity = Signal()
        self.polls_waiting = 0
        self._poll_generation = 0
        self._closed = False
        self.allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.webhook_active = False
        # Called for every accepted update; the webhook delivery hooks in here.
        self.listener: Callable[[PendingUpdate], None] | None = None

    def __len__(self) -> int:
        return len(self._pending)

    def entries(self) -> list[PendingUpdate]:
        return list(self._pending.values())

    def contains(self, entry: PendingUpdate) -> bool:
        return entry.seq in self._pending

    def push(self, update: Json) -> PendingUpdate | None:
        """Queue an update (an `update_id` is assigned when missing); None if not allowed."""
        if "update_id" in update:
            update_id = int(update["update_id"])
            self._next_update_id = max(self._next_update_id, update_id + 1)
        else:
            update_id = self._next_update_id
            self._next_update_id += 1
            update = {"update_id": update_id, **update}
        if update_kind(update) not in self.allowed:
            return None
        entry = PendingUpdate(
            seq=next(self._seq),
            update_id=update_id,
            update=update,
            body=json.dumps(update, ensure_ascii=False, separators=(",", ":")).encode(),
            chat_key=update_chat_key(update),
        )
        self._pending[entry.seq] = entry
        self._signal.notify()
        self.activity.notify()
        if self.listener is not None:
            self.listener(entry)
        return entry

    def remove(self, entry: PendingUpdate) -> None:
        self._pending.pop(entry.seq, None)
        self.activity.notify()

    def drop_all(self) -> None:
        self._pending.clear()
        self.activity.notify()

    def set_allowed(self, allowed: Iterable[str] | None) -> None:
        """None keeps the previous setting; an empty list restores Telegram's default."""
        if allowed is None:
            return
        types = frozenset(allowed)
        self.allowed = types or DEFAULT_UPDATE_TYPES

    def close(self) -> None:
        """Release every waiting long poll (server shutdown)."""
        self._closed = True
        self._signal.notify()

    async def get_updates(self, offset: int, limit: int, timeout: float) -> list[PendingUpdate]:
        if self.webhook_active:
            raise CONFLICT_WEBHOOK
        self._poll_generation += 1
        generation = self._poll_generation
        self._signal.notify()  # an older long poll now ends with 409, as on Telegram
        self._confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._closed:
                return []
            if generation != self._poll_generation:
                raise CONFLICT_OTHER_POLL
            if self.webhook_active:
                raise CONFLICT_WEBHOOK
            batch = list(itertools.islice(self._pending.values(), limit))
            if batch:
                for entry in batch:
                    entry.handed_out = True
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            self.polls_waiting += 1
            self.activity.notify()
            try:
                await self._signal.wait(remaining)
            finally:
                self.polls_waiting -= 1
                self.activity.notify()

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            keep = list(self._pending.values())[offset:]
            self._pending = {entry.seq: entry for entry in keep}
        elif offset > 0:
            confirmed = [
                seq
                for seq, entry in self._pending.items()
                if entry.handed_out and entry.update_id < offset
            ]
            for seq in confirmed:
                del self._pending[seq]
        self.activity.notify()
