"""What every send method shares: reply target, reply markup, recording the message."""

from __future__ import annotations

from tgstub.chats import ChatRecord
from tgstub.errors import bad_request
from tgstub.markup import parse_text, utf16_len
from tgstub.objects import Json, inline_markup, validate_reply_markup
from tgstub.params import Params
from tgstub.state import LocalState

CAPTION_LIMIT = 1024


def post_message(state: LocalState, chat: ChatRecord, params: Params, content: Json) -> Json:
    """Record a bot message with `content` (text or media fields) and return its JSON."""
    markup = validate_reply_markup(params.obj("reply_markup"))
    reply = _reply_target(chat, params)
    inline = inline_markup(markup)

    def build(message_id: int, date: int) -> Json:
        payload: Json = {
            "message_id": message_id,
            "from": state.bot_public,
            "chat": chat.chat,
            "date": date,
        }
        if reply is not None:
            payload["reply_to_message"] = reply
        payload.update(content)
        if inline is not None:
            payload["reply_markup"] = inline
        return payload

    stored = chat.add_message(True, build)
    if markup is not None and inline is None and "inline_keyboard" not in markup:
        stored.reply_keyboard = markup
    return stored.payload


def caption_fields(params: Params) -> Json:
    caption = params.string("caption")
    if not caption:
        return {}
    text, entities = parse_text(
        caption, params.string("parse_mode"), params.obj("caption_entities")
    )
    if utf16_len(text) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    fields: Json = {"caption": text} if text else {}
    if entities:
        fields["caption_entities"] = entities
    return fields


def _reply_target(chat: ChatRecord, params: Params) -> Json | None:
    reply_parameters = params.obj("reply_parameters")
    allow_missing = params.flag("allow_sending_without_reply")
    message_id = params.integer("reply_to_message_id")
    if isinstance(reply_parameters, dict):
        message_id = reply_parameters.get("message_id", message_id)
        allow_missing = bool(reply_parameters.get("allow_sending_without_reply", allow_missing))
    if message_id is None:
        return None
    stored = chat.live_message(int(message_id))
    if stored is None:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return {k: v for k, v in stored.payload.items() if k != "reply_to_message"}
