""" "This update is committed": a signal from the handler to whoever waits for it.

Two parties care, both about the same moment, the commit of the update's transaction (with its
replies in the outbox), not the end of the delivery:

* the polling loop may confirm the update to Telegram from then on (``bot.telegram.polling``);
* the per-user ordering lets the user's next update start (``PerUserUpdateProcessor``): a reply
  that hangs at the Bot API then holds up neither that user's further updates nor the offset.
  The replies still go out in commit order, because the handler queues for the chat's sender
  before it gives up its turn (``bot.telegram.outbox``).

Each registers a callback for the update being handled (a context variable, so it follows the
update's task); the handler calls :func:`committed` once. Callbacks must be idempotent: they
run again when the update ends, committed or not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_CALLBACKS: ContextVar[tuple[Callable[[], None], ...]] = ContextVar("after_commit", default=())


@contextmanager
def on_commit(callback: Callable[[], None]) -> Iterator[None]:
    token = _CALLBACKS.set((*_CALLBACKS.get(), callback))
    try:
        yield
    finally:
        _CALLBACKS.reset(token)


def committed() -> None:
    for callback in _CALLBACKS.get():
        callback()
