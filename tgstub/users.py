"""The Python side of play users: `SimUser` acts, `BotMessage` shows what the bot sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tgstub import simulate
from tgstub.chats import ChatRecord, StoredMessage
from tgstub.files import TINY_OGG, TINY_PNG, FileStore
from tgstub.objects import Json, inline_rows
from tgstub.state import LocalState

DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class SentDocument:
    data: bytes
    file_name: str | None
    mime_type: str | None
    file_id: str


@dataclass(frozen=True)
class CallbackAnswer:
    """How the bot answered a button press (answerCallbackQuery)."""

    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class BotMessage:
    """A snapshot of one bot message; `edits` are its earlier versions, oldest first."""

    message_id: int
    payload: Json = field(repr=False)
    edits: tuple[BotMessage, ...] = field(default=(), repr=False)
    deleted: bool = False
    reply_keyboard: Json | None = field(default=None, repr=False)
    files: FileStore | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, stored: StoredMessage, files: FileStore) -> BotMessage:
        earlier = tuple(cls(stored.message_id, payload, files=files) for payload in stored.history)
        return cls(
            stored.message_id,
            stored.payload,
            earlier,
            stored.deleted,
            stored.reply_keyboard,
            files,
        )

    @property
    def text(self) -> str | None:
        return self.payload.get("text")

    @property
    def caption(self) -> str | None:
        return self.payload.get("caption")

    @property
    def entities(self) -> list[Json]:
        return list(self.payload.get("entities") or self.payload.get("caption_entities") or [])

    @property
    def date(self) -> int:
        return int(self.payload["date"])

    @property
    def edited(self) -> bool:
        return bool(self.edits)

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows of (text, callback_data); callback_data is None for links."""
        return inline_rows(self.payload.get("reply_markup"))

    @property
    def keyboard(self) -> list[list[str]]:
        """A reply keyboard's rows of button texts (empty when none was sent)."""
        rows = (self.reply_keyboard or {}).get("keyboard") or []
        return [[b if isinstance(b, str) else b.get("text", "") for b in row] for row in rows]

    @property
    def removes_keyboard(self) -> bool:
        return bool((self.reply_keyboard or {}).get("remove_keyboard"))

    @property
    def photo(self) -> bytes | None:
        sizes = self.payload.get("photo")
        return self._bytes(sizes[-1]["file_id"]) if sizes else None

    @property
    def document(self) -> SentDocument | None:
        document = self.payload.get("document")
        if not document:
            return None
        return SentDocument(
            data=self._bytes(document["file_id"]) or b"",
            file_name=document.get("file_name"),
            mime_type=document.get("mime_type"),
            file_id=document["file_id"],
        )

    def callback_data(self, button_text: str) -> str:
        """The callback_data of the inline button labelled `button_text`."""
        for row in self.buttons:
            for text, data in row:
                if text == button_text and data is not None:
                    return data
        labels = [text for row in self.buttons for text, _ in row]
        raise KeyError(f"no inline button {button_text!r} in message; buttons: {labels}")

    def _bytes(self, file_id: str) -> bytes | None:
        stored = self.files.get(file_id) if self.files else None
        return stored.data if stored else None


class SimUser:
    """A play user in a private chat with the bot."""

    def __init__(self, state: LocalState, chat: ChatRecord) -> None:
        self._state = state
        self._chat = chat

    @property
    def id(self) -> int:
        return self._chat.chat_id

    @property
    def chat_id(self) -> int:
        return self._chat.chat_id

    @property
    def info(self) -> Json:
        """The Telegram User object this play user sends as."""
        return dict(self._chat.user or {})

    # -- acting -------------------------------------------------------------------------------

    async def send(self, text: str, *, reply_to: int | None = None) -> Json:
        """Send a text message; returns the update (with `update_id`) queued for the bot."""
        return simulate.send_content(
            self._state, self._chat, simulate.text_content(text), reply_to=reply_to
        )

    async def send_sticker(self, emoji: str = "👍") -> Json:
        return simulate.send_content(
            self._state, self._chat, simulate.sticker_content(self._state, emoji)
        )

    async def send_photo(self, data: bytes = TINY_PNG, *, caption: str | None = None) -> Json:
        content = simulate.photo_content(self._state, data, caption)
        return simulate.send_content(self._state, self._chat, content)

    async def send_voice(self, data: bytes = TINY_OGG, *, duration: int = 1) -> Json:
        content = simulate.voice_content(self._state, data, duration)
        return simulate.send_content(self._state, self._chat, content)

    async def send_document(
        self,
        data: bytes,
        file_name: str = "file.txt",
        *,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> Json:
        content = simulate.document_content(self._state, data, file_name, mime_type, caption)
        return simulate.send_content(self._state, self._chat, content)

    async def press(self, message_id: int, callback_data: str | None) -> Json:
        """Press an inline button (any data may be forged); returns the callback_query update."""
        return simulate.press(self._state, self._chat, message_id, callback_data)

    async def click(self, message: BotMessage, button_text: str) -> Json:
        """Press the inline button labelled `button_text` on `message`."""
        return await self.press(message.message_id, message.callback_data(button_text))

    def raw_update(self, update: Json) -> Json:
        """Queue any update as is (keep its `update_id` to simulate a redelivery)."""
        entry = self._state.push_update(update)
        return entry.update if entry is not None else update

    def block(self, *, notify: bool = True) -> None:
        simulate.set_blocked(self._state, self._chat, True, notify=notify)

    def unblock(self, *, notify: bool = True) -> None:
        simulate.set_blocked(self._state, self._chat, False, notify=notify)

    # -- observing ----------------------------------------------------------------------------

    def messages(self, *, include_deleted: bool = False) -> list[BotMessage]:
        """What the bot sent to this chat (current versions), oldest first."""
        files = self._state.files
        return [
            BotMessage.of(stored, files)
            for stored in self._chat.bot_messages
            if include_deleted or not stored.deleted
        ]

    @property
    def last(self) -> BotMessage | None:
        visible = self.messages()
        return visible[-1] if visible else None

    def message(self, message_id: int) -> BotMessage:
        stored = self._chat.messages.get(message_id)
        if stored is None or not stored.from_bot:
            raise KeyError(f"the bot sent no message {message_id} to chat {self.chat_id}")
        return BotMessage.of(stored, self._state.files)

    @property
    def chat_actions(self) -> list[str]:
        return list(self._chat.actions)

    def mark(self) -> int:
        """A bookmark for `wait_new`: the number of messages the bot has sent here so far."""
        return len(self._chat.bot_messages)

    async def wait_for_messages(self, n: int, timeout: float = DEFAULT_TIMEOUT) -> list[BotMessage]:
        """Wait until the bot has sent at least `n` messages here in total; returns all of them
        (deleted ones included, see `BotMessage.deleted`)."""
        await self._wait(lambda: len(self._chat.bot_messages) >= n, timeout, f"{n} messages")
        return self.messages(include_deleted=True)

    async def wait_new(
        self, mark: int, n: int = 1, timeout: float = DEFAULT_TIMEOUT
    ) -> list[BotMessage]:
        """Wait for `n` messages after `mark` (from `mark()`); returns every message since."""
        await self._wait(
            lambda: len(self._chat.bot_messages) >= mark + n, timeout, f"{n} new messages"
        )
        files = self._state.files
        return [BotMessage.of(stored, files) for stored in self._chat.bot_messages[mark:]]

    async def wait_until(
        self, predicate: Callable[[SimUser], Any], timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        """Wait until `predicate(user)` holds; re-checked whenever this chat changes and every
        50 ms (so it may also look at state outside the chat)."""
        await self._wait(lambda: bool(predicate(self)), timeout, "the condition", recheck=0.05)

    def answer(self, update_or_query_id: Json | str) -> CallbackAnswer | None:
        """The bot's answer to a press (pass the update `press` returned, or the query id)."""
        record = self._state.callbacks.get(_query_id(update_or_query_id))
        if record is None or record.answer is None:
            return None
        answer = record.answer
        return CallbackAnswer(answer["text"], answer["show_alert"], answer["url"])

    async def wait_answer(
        self, update_or_query_id: Json | str, timeout: float = DEFAULT_TIMEOUT
    ) -> CallbackAnswer:
        await self._wait(
            lambda: self.answer(update_or_query_id) is not None, timeout, "a callback answer"
        )
        answer = self.answer(update_or_query_id)
        assert answer is not None
        return answer

    async def _wait(
        self,
        predicate: Callable[[], bool],
        timeout: float,
        what: str,
        *,
        recheck: float | None = None,
    ) -> None:
        if not await self._chat.signal.wait_until(predicate, timeout, recheck=recheck):
            texts = [m.text or m.caption or "<media>" for m in self.messages(include_deleted=True)]
            raise TimeoutError(
                f"chat {self.chat_id}: waited {timeout}s for {what}; the bot sent {texts}"
            )


def _query_id(update_or_query_id: Json | str) -> str:
    if isinstance(update_or_query_id, str):
        return update_or_query_id
    return str(update_or_query_id["callback_query"]["id"])
