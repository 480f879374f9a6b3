"""Chats and their messages, in both directions, with edits kept as history.

A message's `payload` is the Telegram Message JSON of its current version. Edits replace the
payload (never mutate it) and push the old one onto `history`, so a payload handed out earlier
stays a faithful snapshot.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tgstub.objects import Json, now, private_chat_json
from tgstub.signal import Signal


@dataclass(eq=False)
class StoredMessage:
    message_id: int
    from_bot: bool
    payload: Json
    rev: int
    history: list[Json] = field(default_factory=list)
    deleted: bool = False
    # A reply keyboard / removal / force_reply as sent; Telegram does not echo these back.
    reply_keyboard: Json | None = None


@dataclass(eq=False)
class CallbackRecord:
    query_id: str
    chat_id: int
    user_id: int
    message_id: int
    data: str | None
    answer: Json | None = None


@dataclass(eq=False)
class ChatRecord:
    chat: Json
    user: Json | None = None  # the play user of a private chat
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    bot_messages: list[StoredMessage] = field(default_factory=list)
    callbacks: list[CallbackRecord] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    blocked: bool = False
    rev: int = 0
    signal: Signal = field(default_factory=Signal)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    def changed(self) -> int:
        """Bump the chat revision and wake everyone waiting on this chat."""
        self.rev += 1
        self.signal.notify()
        return self.rev

    def add_message(self, from_bot: bool, build: Callable[[int, int], Json]) -> StoredMessage:
        """Allocate the next message_id, let `build(message_id, date)` make the payload."""
        message_id = next(self._ids)
        stored = StoredMessage(message_id, from_bot, build(message_id, now()), self.rev + 1)
        self.messages[message_id] = stored
        if from_bot:
            self.bot_messages.append(stored)
        self.changed()
        return stored

    def replace(self, stored: StoredMessage, payload: Json) -> None:
        stored.history.append(stored.payload)
        stored.payload = payload
        stored.rev = self.changed()

    def delete(self, stored: StoredMessage) -> None:
        stored.deleted = True
        stored.rev = self.changed()

    def live_message(self, message_id: int) -> StoredMessage | None:
        stored = self.messages.get(message_id)
        return None if stored is None or stored.deleted else stored


class ChatStore:
    def __init__(self) -> None:
        self._chats: dict[int, ChatRecord] = {}

    def get(self, chat_id: int) -> ChatRecord | None:
        return self._chats.get(chat_id)

    def all(self) -> list[ChatRecord]:
        return list(self._chats.values())

    def private(self, user: Json) -> ChatRecord:
        """The private chat with `user`, created on first use; later calls refresh the names."""
        record = self._chats.get(int(user["id"]))
        if record is None:
            record = ChatRecord(chat=private_chat_json(user), user=user)
            self._chats[record.chat_id] = record
        elif record.user != user:
            record.user = user
            record.chat = private_chat_json(user)
        return record

    def learn(self, chat: Any) -> None:
        """Remember a chat seen in an injected raw update, so that the bot can answer there."""
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            self._chats.setdefault(chat["id"], ChatRecord(chat=dict(chat)))
