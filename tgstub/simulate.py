"""What play users do: write messages, send media, press buttons, block the bot.

Transport-free, so the Python `SimUser` and the `/_sim` HTTP routes behave identically.
"""

from __future__ import annotations

from tgstub.chats import CallbackRecord, ChatRecord
from tgstub.files import TINY_OGG, TINY_PNG, TINY_WEBP
from tgstub.methods.media import document_json, photo_sizes
from tgstub.objects import Json, chat_instance, command_entities, now, user_json
from tgstub.state import LocalState


def ensure_user(
    state: LocalState,
    user_id: int,
    first_name: str | None = None,
    *,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "nl",
) -> ChatRecord:
    """The private chat of a play user. Without `first_name` a known user is reused as is;
    with it, the given details replace the stored ones."""
    existing = state.chats.get(user_id)
    if first_name is None and existing is not None and existing.user is not None:
        return existing
    user = user_json(
        user_id,
        first_name or f"User {user_id}",
        last_name=last_name,
        username=username,
        language_code=language_code or None,
    )
    return state.chats.private(user)


def send_content(
    state: LocalState, chat: ChatRecord, content: Json, *, reply_to: int | None = None
) -> Json:
    """Record a user message in the chat and queue the `message` update for the bot."""
    user = _user(chat)
    replied = chat.live_message(reply_to) if reply_to is not None else None

    def build(message_id: int, date: int) -> Json:
        payload: Json = {"message_id": message_id, "from": user, "chat": chat.chat, "date": date}
        if replied is not None:
            payload["reply_to_message"] = {
                k: v for k, v in replied.payload.items() if k != "reply_to_message"
            }
        payload.update(content)
        return payload

    stored = chat.add_message(False, build)
    return _push(state, {"message": stored.payload})


def text_content(text: str) -> Json:
    content: Json = {"text": text}
    entities = command_entities(text)
    if entities:
        content["entities"] = entities
    return content


def sticker_content(state: LocalState, emoji: str = "👍") -> Json:
    stored = state.files.add(TINY_WEBP, kind="sticker", mime_type="image/webp")
    return {
        "sticker": {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.size,
        }
    }


def photo_content(state: LocalState, data: bytes = TINY_PNG, caption: str | None = None) -> Json:
    stored = state.files.add(data, kind="photo", mime_type="image/jpeg")
    content: Json = {"photo": photo_sizes(stored)}
    if caption:
        content["caption"] = caption
    return content


def voice_content(state: LocalState, data: bytes = TINY_OGG, duration: int = 1) -> Json:
    stored = state.files.add(data, kind="voice", mime_type="audio/ogg")
    return {
        "voice": {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.size,
        }
    }


def document_content(
    state: LocalState,
    data: bytes,
    file_name: str,
    mime_type: str | None = None,
    caption: str | None = None,
) -> Json:
    stored = state.files.add(data, kind="document", file_name=file_name, mime_type=mime_type)
    content: Json = {"document": document_json(stored)}
    if caption:
        content["caption"] = caption
    return content


def press(state: LocalState, chat: ChatRecord, message_id: int, data: str | None) -> Json:
    """A callback query as if the user pressed an inline button; forged data is allowed."""
    user = _user(chat)
    stored = chat.live_message(message_id)
    # A message the user cannot see arrives as an InaccessibleMessage (date 0).
    message = (
        stored.payload
        if stored is not None
        else {"chat": chat.chat, "message_id": message_id, "date": 0}
    )
    query_id = state.next_query_id()
    record = CallbackRecord(query_id, chat.chat_id, int(user["id"]), message_id, data)
    state.callbacks[query_id] = record
    chat.callbacks.append(record)
    query: Json = {
        "id": query_id,
        "from": user,
        "message": message,
        "chat_instance": chat_instance(state.bot_id, chat.chat_id),
    }
    if data is not None:
        query["data"] = data
    return _push(state, {"callback_query": query})


def set_blocked(state: LocalState, chat: ChatRecord, blocked: bool, *, notify: bool) -> None:
    """Block or unblock the bot; Telegram then sends the bot a `my_chat_member` update."""
    if chat.blocked == blocked:
        return
    chat.blocked = blocked
    if not notify or chat.user is None:
        return
    old, new = ("member", "kicked") if blocked else ("kicked", "member")
    bot = state.bot_public
    new_member: Json = {"user": bot, "status": new}
    if blocked:
        new_member["until_date"] = 0
    old_member: Json = {"user": bot, "status": old}
    if not blocked:
        old_member["until_date"] = 0
    _push(
        state,
        {
            "my_chat_member": {
                "chat": chat.chat,
                "from": chat.user,
                "date": now(),
                "old_chat_member": old_member,
                "new_chat_member": new_member,
            }
        },
    )


def _user(chat: ChatRecord) -> Json:
    if chat.user is None:
        raise ValueError(f"chat {chat.chat_id} has no play user")
    return chat.user


def _push(state: LocalState, update: Json) -> Json:
    entry = state.push_update(update)
    return entry.update if entry is not None else update
