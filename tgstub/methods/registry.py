"""Name → implementation table of Bot API methods (names are case-insensitive on Telegram)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tgstub.params import Params
from tgstub.state import LocalState

Handler = Callable[[LocalState, Params], Awaitable[Any]]

METHODS: dict[str, Handler] = {}


@dataclass(frozen=True)
class RawResult:
    """A `result` that is already JSON-encoded (getUpdates reuses each update's bytes)."""

    body: bytes


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = handler
        return handler

    return register


def always_true(*names: str) -> None:
    """Methods whose effect no test observes; Telegram answers them with `true`."""

    async def ok(state: LocalState, params: Params) -> bool:
        return True

    for name in names:
        METHODS[name.lower()] = ok
