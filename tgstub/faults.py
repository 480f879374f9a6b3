"""Scripted failures for reliability tests: flood limits, server errors, slowness."""

from __future__ import annotations

from dataclasses import dataclass

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


class FaultInjector:
    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        self._faults.clear()

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
