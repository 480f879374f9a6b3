"""Sending, editing and deleting text messages; chat actions; callback answers."""

from __future__ import annotations

from typing import Any

from tgstub.chats import ChatRecord, StoredMessage
from tgstub.errors import bad_request
from tgstub.markup import parse_text, utf16_len
from tgstub.methods.outgoing import caption_fields, post_message
from tgstub.methods.registry import method
from tgstub.objects import Json, inline_markup, now, validate_reply_markup
from tgstub.params import Params
from tgstub.state import LocalState

TEXT_LIMIT = 4096
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


@method("sendMessage")
async def send_message(state: LocalState, params: Params) -> Json:
    chat = state.target_chat(params.chat_id())
    return post_message(state, chat, params, _text_fields(params))


@method("editMessageText")
async def edit_message_text(state: LocalState, params: Params) -> Json:
    chat, stored = _editable(state, params)
    if "text" not in stored.payload:
        raise bad_request("there is no text in the message to edit")
    return _edit(chat, stored, _text_fields(params), params, ("text", "entities"))


@method("editMessageCaption")
async def edit_message_caption(state: LocalState, params: Params) -> Json:
    chat, stored = _editable(state, params)
    if "text" in stored.payload:
        raise bad_request("there is no caption in the message to edit")
    fields = caption_fields(params)
    return _edit(chat, stored, fields, params, ("caption", "caption_entities"))


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(state: LocalState, params: Params) -> Json:
    chat, stored = _editable(state, params)
    return _edit(chat, stored, {}, params, ())


@method("deleteMessage")
async def delete_message(state: LocalState, params: Params) -> bool:
    chat = state.target_chat(params.chat_id())
    message_id = params.integer("message_id", missing="message identifier is not specified")
    assert message_id is not None
    stored = chat.live_message(message_id)
    if stored is None:
        raise bad_request("message to delete not found")
    chat.delete(stored)
    return True


@method("deleteMessages")
async def delete_messages(state: LocalState, params: Params) -> bool:
    chat = state.target_chat(params.chat_id())
    ids: Any = params.obj("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message identifiers are not specified")
    for message_id in ids:
        stored = chat.live_message(int(message_id))
        if stored is not None:
            chat.delete(stored)
    return True


@method("sendChatAction")
async def send_chat_action(state: LocalState, params: Params) -> bool:
    chat = state.target_chat(params.chat_id())
    action = params.string("action", missing="action is empty")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.actions.append(action)
    chat.signal.notify()
    return True


@method("answerCallbackQuery")
async def answer_callback_query(state: LocalState, params: Params) -> bool:
    query_id = params.string("callback_query_id", missing=QUERY_INVALID)
    record = state.callbacks.get(query_id or "")
    if record is None or record.answer is not None:
        raise bad_request(QUERY_INVALID)
    text = params.string("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answer = {
        "text": text,
        "show_alert": params.flag("show_alert"),
        "url": params.string("url"),
        "cache_time": params.integer("cache_time") or 0,
    }
    chat = state.chats.get(record.chat_id)
    if chat is not None:
        chat.signal.notify()
    return True


def _text_fields(params: Params) -> Json:
    raw = params.string("text")
    if not raw:
        raise bad_request("message text is empty")
    text, entities = parse_text(raw, params.string("parse_mode"), params.obj("entities"))
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > TEXT_LIMIT:
        raise bad_request("message is too long")
    fields: Json = {"text": text}
    if entities:
        fields["entities"] = entities
    return fields


def _editable(state: LocalState, params: Params) -> tuple[ChatRecord, StoredMessage]:
    if "inline_message_id" in params:
        raise bad_request("inline messages are not supported by the local Bot API")
    chat = state.target_chat(params.chat_id())
    message_id = params.integer("message_id", missing="message identifier is not specified")
    assert message_id is not None
    stored = chat.live_message(message_id)
    if stored is None:
        raise bad_request("message to edit not found")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    return chat, stored


def _edit(
    chat: ChatRecord,
    stored: StoredMessage,
    fields: Json,
    params: Params,
    replaced: tuple[str, ...],
) -> Json:
    """Apply an edit; an edit without reply_markup removes the inline keyboard, as on Telegram."""
    markup = validate_reply_markup(params.obj("reply_markup"))
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    old = stored.payload
    new = {k: v for k, v in old.items() if k not in (*replaced, "reply_markup", "edit_date")}
    new.update(fields)
    inline = inline_markup(markup)
    if inline is not None:
        new["reply_markup"] = inline
    if all(old.get(k) == new.get(k) for k in (*replaced, "reply_markup")):
        raise bad_request(NOT_MODIFIED)
    new["edit_date"] = now()
    chat.replace(stored, new)
    return new
