"""Scripted failures for reliability tests: flood limits, server errors, slowness, holds."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from tgstub.errors import ApiError

_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass(eq=False)
class Fault:
    """One injected failure rule; `times=None` means it never runs out."""

    method: str  # lower-case Bot API method name, or "*" for every method
    error_code: int | None = 429
    retry_after: float | None = None
    delay: float = 0.0
    times: int | None = 1
    chat_id: int | None = None
    description: str | None = None
    hits: int = 0

    def matches(self, method: str, chat_id: object) -> bool:
        if self.method not in ("*", method):
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)

    def error(self) -> ApiError | None:
        if self.error_code is None:
            return None
        if self.error_code == 429:
            retry_after = self.retry_after if self.retry_after is not None else 1
            return ApiError(
                429,
                self.description or f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        description = self.description or _DESCRIPTIONS.get(self.error_code, "Error")
        return ApiError(self.error_code, description)


@dataclass(eq=False)
class Hold:
    """Bot API calls for one chat wait here until :meth:`release`: a reply the bot is stuck
    sending, for as long as the test needs and not a second longer (no timed delay)."""

    chat_id: int
    waiting: int = 0
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait(self) -> None:
        self.waiting += 1
        try:
            await self._released.wait()
        finally:
            self.waiting -= 1

    def release(self) -> None:
        self._released.set()

    @property
    def released(self) -> bool:
        return self._released.is_set()


class FaultInjector:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._holds: dict[str, Hold] = {}

    def hold(self, chat_id: int) -> Hold:
        hold = self._holds[str(chat_id)] = Hold(chat_id)
        return hold

    def hold_for(self, chat_id: object) -> Hold | None:
        hold = self._holds.get(str(chat_id)) if chat_id is not None else None
        return hold if hold is not None and not hold.released else None

    def add(self, fault: Fault) -> Fault:
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        self._faults.clear()
        for hold in self._holds.values():
            hold.release()
        self._holds.clear()

    def take(self, method: str, chat_id: object) -> Fault | None:
        """The first matching rule, used up by one; None when no rule applies."""
        for fault in self._faults:
            if fault.matches(method, chat_id):
                fault.hits += 1
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault
        return None
