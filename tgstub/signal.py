"""A broadcast wake-up for long polls and test waits.

`notify()` is synchronous so that state changes made inside request handlers can wake waiters
without awaiting a lock (an `asyncio.Condition` would need one).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Signal:
    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def notify(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, timeout: float) -> bool:
        """Wait for the next `notify()`; False when `timeout` passed first."""
        if timeout <= 0:
            return False
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        try:
            async with asyncio.timeout(timeout):
                await event.wait()
        except TimeoutError:
            return False
        return True

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: float, *, recheck: float | None = None
    ) -> bool:
        """Re-check `predicate` after every notify until it holds or `timeout` passes.

        `recheck` also re-evaluates it every so many seconds, for predicates over state that
        does not notify this signal (e.g. a test's own list)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            await self.wait(remaining if recheck is None else min(remaining, recheck))
        return True
