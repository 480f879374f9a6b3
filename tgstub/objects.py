"""Builders for Telegram-shaped JSON objects (User, Chat, entities, keyboards)."""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any

from tgstub.errors import bad_request
from tgstub.markup import utf16_len

Json = dict[str, Any]

# Update types Telegram sends when `allowed_updates` is empty or was never given.
ALL_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
DEFAULT_UPDATE_TYPES = ALL_UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}

# Telegram marks `/command` and `/command@bot` wherever a word starts with a slash.
_COMMAND_RE = re.compile(r"(?<![^\s(])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![^\s.,;:!?)])")


def now() -> int:
    return int(time.time())


def user_json(
    user_id: int,
    first_name: str,
    *,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
    is_bot: bool = False,
) -> Json:
    user: Json = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def private_chat_json(user: Json) -> Json:
    chat: Json = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    for key in ("last_name", "username"):
        if key in user:
            chat[key] = user[key]
    return chat


def chat_instance(bot_id: int, chat_id: int) -> str:
    """A stable opaque id per (bot, chat), like Telegram's `chat_instance`."""
    digest = hashlib.sha1(f"{bot_id}:{chat_id}".encode()).digest()
    return str(int.from_bytes(digest[:8], "big", signed=True))


def command_entities(text: str) -> list[Json]:
    entities: list[Json] = []
    for match in _COMMAND_RE.finditer(text):
        entities.append(
            {
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
                "type": "bot_command",
            }
        )
    return entities


def update_kind(update: Json) -> str | None:
    return next((key for key in update if key != "update_id"), None)


def update_chat_key(update: Json) -> int | str:
    """Which chat an update belongs to, so that one chat's updates are delivered in order."""
    kind = update_kind(update)
    body = update.get(kind) if kind else None
    if isinstance(body, dict):
        for holder in (body, body.get("message")):
            if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
                return int(holder["chat"]["id"])
        sender = body.get("from") or body.get("user")
        if isinstance(sender, dict) and "id" in sender:
            return int(sender["id"])
    return f"update:{update.get('update_id')}"


# --------------------------------------------------------------------------------------------
# Reply markup

_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def validate_reply_markup(markup: Any) -> Json | None:
    """Check a reply_markup as Telegram does; returns it unchanged (or None)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse inline keyboard markup JSON object")
        for row in rows:
            for button in row:
                _validate_inline_button(button)
        return markup
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text must be a String")
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
            raise bad_request("BUTTON_URL_INVALID")


def inline_markup(markup: Json | None) -> Json | None:
    """The part of a reply_markup that Telegram echoes back in a Message."""
    if markup and markup.get("inline_keyboard"):
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


def inline_rows(markup: Json | None) -> list[list[tuple[str, str | None]]]:
    """Inline keyboard as rows of (text, callback_data); callback_data is None for links."""
    if not markup:
        return []
    return [
        [(button["text"], button.get("callback_data")) for button in row]
        for row in markup.get("inline_keyboard", [])
    ]
