"""Replies as JSON for the outbox: what the dialog decided, stored with the answer and
delivered after the commit (``bot.telegram.outbox``). Toasts are not stored: a button press can
only be answered within seconds, so only the handler that took the press answers it."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

from bot.chat.events import Button, EditButtons, Keyboard, Out, Send, SendDocument, SendPhoto

Json = dict[str, Any]


def dump_outs(outs: Iterable[Out]) -> list[Json]:
    return [item for item in map(_dump, outs) if item is not None]


def load_outs(items: Iterable[Json]) -> list[Out]:
    return [_load(item) for item in items]


def _dump(out: Out) -> Json | None:
    if isinstance(out, Send):
        return {
            "k": "send",
            "text": out.text,
            "buttons": _dump_keyboard(out.buttons),
            "question": out.question,
            "rtl": out.rtl,
        }
    if isinstance(out, EditButtons):
        return {"k": "edit", "message_id": out.message_id, "buttons": _dump_keyboard(out.buttons)}
    if isinstance(out, SendPhoto):
        return {"k": "photo", "data": _b64(out.data), "caption": out.caption}
    if isinstance(out, SendDocument):
        return {
            "k": "document",
            "data": _b64(out.data),
            "filename": out.filename,
            "caption": out.caption,
        }
    return None  # a Toast


def _load(item: Json) -> Out:
    kind = item["k"]
    if kind == "send":
        return Send(
            item["text"], _load_keyboard(item["buttons"]), bool(item["question"]), bool(item["rtl"])
        )
    if kind == "edit":
        return EditButtons(int(item["message_id"]), _load_keyboard(item["buttons"]))
    if kind == "photo":
        return SendPhoto(base64.b64decode(item["data"]), item["caption"])
    if kind == "document":
        return SendDocument(base64.b64decode(item["data"]), item["filename"], item["caption"])
    raise ValueError(f"unknown outbox item kind {kind!r}")


def _dump_keyboard(keyboard: Keyboard) -> list[list[list[str]]]:
    return [[[button.text, button.data] for button in row] for row in keyboard]


def _load_keyboard(rows: list[list[list[str]]]) -> Keyboard:
    return tuple(tuple(Button(text, data) for text, data in row) for row in rows)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
